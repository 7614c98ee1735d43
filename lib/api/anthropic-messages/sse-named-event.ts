/**
 * One Anthropic SSE event: `event: <type>` and its JSON on one `data:` line. Anthropic's SDK
 * dispatches on the event name and the JSON's `type` alike, so both are always the same.
 */
export function sseNamedEvent(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Anthropic's keep-alive: a real event, which Claude Code's idle watchdog counts as traffic. */
export const PING_EVENT = sseNamedEvent('ping', { type: 'ping' });
