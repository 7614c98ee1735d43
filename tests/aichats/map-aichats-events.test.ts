import { describe, expect, it } from 'vitest';
import { createAnswerCleaner } from '@/lib/aichats/create-answer-cleaner';
import { mapAichatsEvents } from '@/lib/aichats/map-aichats-events';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { parseEventStream } from '@/lib/sse/parse-event-stream';
import { encodeAichatsAnswer } from '@/simulator/aichats/encode-aichats-answer';
import { readAll, streamOf } from '../support/stream-helpers';

/** A recorded-style body, in the given byte chunks, through the provider's own decoding chain. */
async function partsOf(chunks: readonly string[]): Promise<ChatStreamPart[]> {
  const encoder = new TextEncoder();
  const body = streamOf(chunks.map((chunk) => encoder.encode(chunk)));
  return readAll(parseEventStream(body, { eachDataLineIsAnEvent: true }).pipeThrough(mapAichatsEvents()));
}

const textOf = (parts: readonly ChatStreamPart[]) => parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');

describe('mapAichatsEvents', () => {
  it('turns data lines into one text block and a stop finish (the whole sequence)', async () => {
    const parts = await partsOf(['data: Hello\n\ndata:  world\n\n']);
    expect(parts).toEqual([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: 'Hello' },
      { type: 'text-delta', id: 'text-0', text: ' world' },
      { type: 'text-end', id: 'text-0' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it.each([
    ['no trylimit, lines without blank lines', ['data: Hi\ndata:  there\n'], 'Hi there'],
    ['trylimit at the end of one line', ['data: Hi\n\ndata:  there trylimit\n\n'], 'Hi there'],
    ['trylimit split across two data lines', ['data: Hi there\n\ndata:  try\n\ndata: limit\n\n'], 'Hi there'],
    ['trylimit split across three data lines and two body chunks', ['data: Done \n\ndata: t', 'ry\n\ndata: lim\n\ndata: it\n\n'], 'Done'],
    ['a held start of the marker that is not the marker', ['data: a\n\ndata:  tr\n\ndata: y it\n\n'], 'a try it'],
    ['a text that ends in a start of the marker', ['data: go \n\ndata: try\n\n'], 'go try'],
    ['\\n escapes decoded', ['data: line one\\nline two\\n\\nend\n\n'], 'line one\nline two\n\nend'],
    ['a \\n escape split across two data lines', ['data: one\\\n\ndata: ntwo\n\n'], 'one\ntwo'],
    ['a lone backslash at the end stays', ['data: path C:\\\n\n'], 'path C:\\'],
    ['escapes and the marker together', ['data: a\\nb\n\ndata:  try\n\ndata: limit\n\n'], 'a\nb'],
  ])('%s', async (_name, chunks, expected) => {
    const parts = await partsOf(chunks);
    expect(textOf(parts)).toBe(expected);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });

  it('keeps a character whose bytes are split across chunks', async () => {
    const bytes = new TextEncoder().encode('data: 你好 trylimit\n\n');
    const body = streamOf([bytes.subarray(0, 8), bytes.subarray(8)]);
    const parts = await readAll(parseEventStream(body, { eachDataLineIsAnEvent: true }).pipeThrough(mapAichatsEvents()));
    expect(textOf(parts)).toBe('你好');
  });

  it('an answer with no text (or only the marker) is a finish alone, for the empty-answer guard', async () => {
    expect(await partsOf([''])).toEqual([{ type: 'finish', finishReason: 'stop' }]);
    expect(await partsOf(['data:  trylimit\n\n'])).toEqual([{ type: 'finish', finishReason: 'stop' }]);
  });

  it('reads back what the simulator writes, marker and escapes included', async () => {
    const text = 'First line.\nSecond line, with words.';
    expect(textOf(await partsOf(encodeAichatsAnswer(text, { tryLimit: true })))).toBe(text);
    expect(textOf(await partsOf(encodeAichatsAnswer(text, { tryLimit: false })))).toBe(text);
    expect(encodeAichatsAnswer(text, { tryLimit: true }).slice(-2)).toEqual(['data:  try\n\n', 'data: limit\n\n']);
  });
});

describe('createAnswerCleaner', () => {
  it('holds back only what may still become the marker or an escape', () => {
    const cleaner = createAnswerCleaner();
    expect(cleaner.push('abc t')).toBe('abc');
    expect(cleaner.push('ry')).toBe('');
    expect(cleaner.push('limit and more\\')).toBe(' and more');
    expect(cleaner.push('nnext')).toBe('\nnext');
    expect(cleaner.end()).toBe('');
  });

  it('removes every marker, as the seed did, and gives back a held tail at the end', () => {
    const cleaner = createAnswerCleaner();
    expect(cleaner.push('x trylimit y trylimit')).toBe('x y');
    expect(cleaner.push(' tryli')).toBe('');
    expect(cleaner.end()).toBe(' tryli');
  });
});
