/**
 * One Responses streaming event as SSE: `event: <type>` and one `data:` line of JSON, as
 * OpenAI sends them (openai-node, Codex and the AI SDK read the JSON's `type`; the `event:`
 * line is for clients that dispatch on it). `JSON.stringify` keeps the data on one line.
 */
export function sseTypedEvent(event: { type: string } & Record<string, unknown>): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
