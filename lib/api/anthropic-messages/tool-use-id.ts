const CALL_PREFIX = 'call_';
const TOOL_USE_PREFIX = 'toolu_';

/**
 * The `toolu_…` id a pipeline call id (`call_…`) gets on the wire. Derived, not stored: the
 * next turn sends it back in `tool_use` and `tool_result`, and {@link toCallId} turns it into the
 * same `call_…` id, so results pair with their calls without any state.
 */
export function toToolUseId(callId: string): string {
  return callId.startsWith(CALL_PREFIX) ? `${TOOL_USE_PREFIX}${callId.slice(CALL_PREFIX.length)}` : callId;
}

/** The pipeline's id for a client's `tool_use` id; ids of other origins pass unchanged. */
export function toCallId(toolUseId: string): string {
  return toolUseId.startsWith(TOOL_USE_PREFIX) ? `${CALL_PREFIX}${toolUseId.slice(TOOL_USE_PREFIX.length)}` : toolUseId;
}
