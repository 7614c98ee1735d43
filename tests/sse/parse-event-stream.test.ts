import type { EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import { parseEventStream } from '@/lib/sse/parse-event-stream';
import { cancellableStreamOf, readAll, settlesWithin, streamOf } from '@/tests/support/stream-helpers';

const encoder = new TextEncoder();

/** Every way the body's bytes may arrive: whole, in two chunks cut at every byte, byte by byte. */
function everyByteChunking(text: string): Array<{ label: string; chunks: Uint8Array[] }> {
  const bytes = encoder.encode(text);
  const chunkings = [{ label: 'whole', chunks: [bytes] }];
  for (let position = 1; position < bytes.length; position += 1) {
    chunkings.push({ label: `split at byte ${position}`, chunks: [bytes.slice(0, position), bytes.slice(position)] });
  }
  chunkings.push({ label: 'one byte per chunk', chunks: Array.from(bytes, (byte) => Uint8Array.of(byte)) });
  return chunkings;
}

const event = (data: string, eventName?: string): EventSourceMessage => ({ id: undefined, event: eventName, data });

describe('parseEventStream', () => {
  it.each<[name: string, body: string, expected: EventSourceMessage[]]>([
    [
      'XIPU-like lines with Chinese text and an emoji',
      'data:{"data":"你好"}\n\ndata:{"data":"，世界 🌏"}\n\ndata:[DONE]\n\n',
      [event('{"data":"你好"}'), event('{"data":"，世界 🌏"}'), event('[DONE]')],
    ],
    ['data: with a space', 'data: hello\n\n', [event('hello')]],
    ['CRLF line ends', 'data: one\r\n\r\ndata:two\r\n\r\n', [event('one'), event('two')]],
    ['CR line ends', 'data: one\r\rdata: two\r\r', [event('one'), event('two')]],
    ['comments and blank lines', ': keep-alive\n\n\n\ndata: a\n\n: note\n\n', [event('a')]],
    ['multi-line data is joined with a newline', 'data: line one\ndata: line two\n\n', [event('line one\nline two')]],
    ['an event name', 'event: message\ndata: x\n\n', [event('x', 'message')]],
    ['unknown fields are ignored', 'retry: 10\nfoo: bar\ndata: x\n\n', [event('x')]],
    ['a last event without its blank line', 'data: a\n\ndata: tail', [event('a'), event('tail')]],
    ['a last event ending in one newline', 'data: a\n\ndata: tail\n', [event('a'), event('tail')]],
    ['an empty data line is an event', 'data:\n\n', [event('')]],
    ['an empty body', '', []],
    ['a body that is not SSE', 'Request Err!', []],
  ])('%s, however the bytes are chunked', async (_name, body, expected) => {
    for (const { label, chunks } of everyByteChunking(body)) {
      expect(await readAll(parseEventStream(streamOf(chunks))), label).toEqual(expected);
    }
  });

  it('cancels the body when the events are cancelled', async () => {
    const source = cancellableStreamOf([encoder.encode('data: a\n\n')]);
    const reader = parseEventStream(source.stream).getReader();
    expect(await reader.read()).toEqual({ done: false, value: event('a') });
    await reader.cancel();
    expect(await settlesWithin(source.cancelled, 1_000)).toBe(true);
  });

  it('errors when the body errors', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('data: a\n\n'));
        controller.error(new Error('connection reset'));
      },
    });
    await expect(readAll(parseEventStream(body))).rejects.toThrow('connection reset');
  });
});
