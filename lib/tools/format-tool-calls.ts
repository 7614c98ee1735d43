/**
 * The one text format of an emulated tool call (docs/tool-calls.md "The text format"). The
 * prompt's example, the history folding and the detector all take their tags from here, so the
 * calls folded back into a conversation look exactly like the ones the model is asked to write.
 */

/** Ends the block that holds the calls; nothing the model writes after it reaches the client. */
export const TOOL_CALLS_CLOSING_TAG = '</tool_calls>';

/** Ends one call; with `parallel_tool_calls: false` the first one ends the block as well. */
export const INVOKE_CLOSING_TAG = '</invoke>';

/**
 * The tag that opens a block. It carries the deployment's trigger word, so an answer that only
 * shows or explains the format (without the trigger) stays text.
 */
export function openingTag(trigger: string): string {
  return `<tool_calls trigger="${trigger}">`;
}

/** The tag that opens one call of the function `name`. */
export function invokeOpeningTag(name: string): string {
  return `<invoke name="${name}">`;
}

/**
 * The whole block for `calls`, one `<invoke>` per call with its arguments as given (an empty
 * argument text is written `{}`, as the parser reads an empty body). No ids: the model never
 * writes them, and the history must look like what it writes.
 */
export function formatToolCallBlock(calls: ReadonlyArray<{ name: string; arguments: string }>, trigger: string): string {
  const invokes = calls.map((call) => {
    const args = call.arguments.trim() === '' ? '{}' : call.arguments;
    return `${invokeOpeningTag(call.name)}\n${args}\n${INVOKE_CLOSING_TAG}\n`;
  });
  return `${openingTag(trigger)}\n${invokes.join('')}${TOOL_CALLS_CLOSING_TAG}`;
}
