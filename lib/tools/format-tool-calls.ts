/**
 * Renders calls as the one text block the model is told to write (docs/tool-calls.md "The text
 * format"). The prompt's example and the history folding both use it, so the calls the model
 * sees in its history look exactly like the ones it is asked to write, and the detector finds
 * them by the same trigger.
 *
 * Each call's arguments are copied as given (one JSON object); no ids are written.
 */
export function formatToolCallBlock(calls: Array<{ name: string; arguments: string }>, trigger: string): string {
  const invokes = calls.map((call) => `<invoke name="${call.name}">\n${call.arguments}\n</invoke>\n`).join('');
  return `<tool_calls trigger="${trigger}">\n${invokes}</tool_calls>`;
}
