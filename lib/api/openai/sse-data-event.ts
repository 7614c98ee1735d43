/**
 * Frames one JSON value as a complete SSE event: `data: <one-line JSON>\n\n`.
 * `JSON.stringify` escapes CR and LF inside strings, so the event is always a single line
 * (Dify splits on `\n\n`, Continue parses each `data:` line — docs/client-compat §1).
 */
export function sseDataEvent(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** The last event of a successful chat completion stream. */
export const SSE_DONE_EVENT = 'data: [DONE]\n\n';
