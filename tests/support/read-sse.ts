/** One SSE event as the gateway sends it: a JSON payload, `[DONE]`, or a comment. */
export type SseEvent = { kind: 'data'; json: any } | { kind: 'done' } | { kind: 'comment'; text: string };

/** Reads a whole SSE response body into its events, checking the framing on the way. */
export async function readSse(response: Response): Promise<SseEvent[]> {
  const text = await response.text();
  return parseSseText(text);
}

export function parseSseText(text: string): SseEvent[] {
  if (text.includes('\r')) throw new Error('SSE must use LF line endings only');
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    if (block === '') continue;
    if (block.includes('\n')) throw new Error(`an SSE event spans several lines: ${JSON.stringify(block)}`);
    if (block.startsWith(': ')) events.push({ kind: 'comment', text: block.slice(2) });
    else if (block === 'data: [DONE]') events.push({ kind: 'done' });
    else if (block.startsWith('data: ')) events.push({ kind: 'data', json: JSON.parse(block.slice(6)) });
    else throw new Error(`unexpected SSE line: ${JSON.stringify(block)}`);
  }
  return events;
}

/** The concatenated `delta.content` of chat chunks. */
export function contentOf(events: SseEvent[]): string {
  return events
    .filter((event): event is { kind: 'data'; json: any } => event.kind === 'data')
    .map((event) => event.json.choices?.[0]?.delta?.content ?? '')
    .join('');
}

export function reasoningOf(events: SseEvent[]): string {
  return events
    .filter((event): event is { kind: 'data'; json: any } => event.kind === 'data')
    .map((event) => event.json.choices?.[0]?.delta?.reasoning_content ?? '')
    .join('');
}

export function dataOf(events: SseEvent[]): any[] {
  return events.filter((event): event is { kind: 'data'; json: any } => event.kind === 'data').map((event) => event.json);
}

/** Reads a streaming body until its first `delta.content` has arrived; the stream stays open. */
export async function readUntilFirstContent(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let received = '';
  while (!contentOf(parseSseText(received.slice(0, received.lastIndexOf('\n\n') + 2)))) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the stream ended before any content');
    received += decoder.decode(value, { stream: true });
  }
  return received;
}
