import { describe, expect, it } from 'vitest';
import { cutAtStopSequences } from '@/lib/chat/cut-at-stop-sequences';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import {
  cancellableStreamOf,
  everyChunking,
  hasEmptyDelta,
  mergeDeltas,
  readAll,
  runTransform,
  settlesWithin,
  textDeltas,
} from '@/tests/support/stream-helpers';

const text = (value: string): ChatStreamPart => ({ type: 'text-delta', text: value });
const reasoning = (value: string): ChatStreamPart => ({ type: 'reasoning-delta', text: value });
const stopFinish: ChatStreamPart = { type: 'finish', finishReason: 'stop' };

describe('cutAtStopSequences', () => {
  it.each<[name: string, answer: string, stop: string[], expected: ChatStreamPart[]]>([
    ['cut in the middle', 'Hello STOP world', ['STOP'], [text('Hello '), stopFinish]],
    ['no stop sequence in the answer', 'no stop here', ['STOP'], [text('no stop here')]],
    ['stop sequence at the start', 'STOP at start', ['STOP'], [stopFinish]],
    ['stop sequence at the end', 'the end STOP', ['STOP'], [text('the end '), stopFinish]],
    ['first of two occurrences', 'xxabcabc', ['abc'], [text('xx'), stopFinish]],
    ['first of several sequences', 'one END two STOP', ['STOP', 'END'], [text('one '), stopFinish]],
    ['role label', 'a\n\nUser: b', ['\n\nUser:'], [text('a'), stopFinish]],
    ['Chinese punctuation', '你好。世界', ['。'], [text('你好'), stopFinish]],
    ['overlapping prefix', 'aaab', ['aab'], [text('a'), stopFinish]],
    ['the sequence completed first wins', 'abc', ['abc', 'b'], [text('a'), stopFinish]],
    ['on equal ends the longer sequence wins', 'abc', ['c', 'bc'], [text('a'), stopFinish]],
    ['partial sequence at the end is released', 'almost STO', ['STOP'], [text('almost STO')]],
    ['empty sequences are ignored', 'Hello', [''], [text('Hello')]],
    ['no sequences', 'Hello STOP', [], [text('Hello STOP')]],
  ])('%s: the same parts however the text is chunked', async (_name, answer, stop, expected) => {
    for (const { label, chunks } of everyChunking(answer)) {
      const output = await runTransform(cutAtStopSequences(stop), textDeltas(chunks));
      expect(mergeDeltas(output), label).toEqual(expected);
      expect(hasEmptyDelta(output), label).toBe(false);
    }
  });

  it('searches only the answer text, not the reasoning', async () => {
    const parts = [reasoning('STOP inside the reasoning'), text('ok')];
    expect(await runTransform(cutAtStopSequences(['STOP']), parts)).toEqual(parts);
  });

  it('releases the held text before a non-text part and passes the upstream finish', async () => {
    const upstreamFinish: ChatStreamPart = { type: 'finish', finishReason: 'length' };
    expect(await runTransform(cutAtStopSequences(['STOP']), [text('Hello'), upstreamFinish])).toEqual([
      text('He'),
      text('llo'),
      upstreamFinish,
    ]);
  });

  it('holds back exactly the longest sequence length minus one', async () => {
    const transform = cutAtStopSequences(['STOP', 'X']);
    const writer = transform.writable.getWriter();
    const reader = transform.readable.getReader();
    void writer.write(text('Hello'));
    expect(await reader.read()).toEqual({ done: false, value: text('He') });
    void writer.write(text(' world'));
    expect(await reader.read()).toEqual({ done: false, value: text('llo wo') });
    void writer.close();
    expect(await reader.read()).toEqual({ done: false, value: text('rld') });
    expect(await reader.read()).toEqual({ done: true, value: undefined });
  });

  it('holds nothing back without stop sequences', async () => {
    const transform = cutAtStopSequences([]);
    const writer = transform.writable.getWriter();
    const reader = transform.readable.getReader();
    void writer.write(text('Hello'));
    expect(await reader.read()).toEqual({ done: false, value: text('Hello') });
  });

  it('ends the stream at the stop sequence and cancels the upstream source', async () => {
    const source = cancellableStreamOf([text('before STOP after'), text('never read'), stopFinish]);
    const output = await readAll(source.stream.pipeThrough(cutAtStopSequences(['STOP'])));
    expect(output).toEqual([text('before '), stopFinish]);
    expect(await settlesWithin(source.cancelled, 1_000)).toBe(true);
  });
});
