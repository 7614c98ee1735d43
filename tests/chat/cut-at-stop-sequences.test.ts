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
  textBlockOf,
} from '@/tests/support/stream-helpers';

const text = (value: string): ChatStreamPart => ({ type: 'text-delta', id: 'text-0', text: value });
const reasoning = (value: string): ChatStreamPart => ({ type: 'reasoning-delta', id: 'reasoning-0', text: value });
const textStart: ChatStreamPart = { type: 'text-start', id: 'text-0' };
const textEnd: ChatStreamPart = { type: 'text-end', id: 'text-0' };
const stopFinish: ChatStreamPart = { type: 'finish', finishReason: 'stop' };
/** The finish the cut adds: its text block ended, then the matched sequence. */
const cutAt = (stopSequence: string): ChatStreamPart[] => [textEnd, { type: 'finish', finishReason: 'stop', stopSequence }];

describe('cutAtStopSequences', () => {
  it.each<[name: string, answer: string, stop: string[], expected: ChatStreamPart[]]>([
    ['cut in the middle', 'Hello STOP world', ['STOP'], [textStart, text('Hello '), ...cutAt('STOP')]],
    ['no stop sequence in the answer', 'no stop here', ['STOP'], [textStart, text('no stop here'), textEnd]],
    ['stop sequence at the start', 'STOP at start', ['STOP'], [textStart, ...cutAt('STOP')]],
    ['stop sequence at the end', 'the end STOP', ['STOP'], [textStart, text('the end '), ...cutAt('STOP')]],
    ['first of two occurrences', 'xxabcabc', ['abc'], [textStart, text('xx'), ...cutAt('abc')]],
    ['first of several sequences', 'one END two STOP', ['STOP', 'END'], [textStart, text('one '), ...cutAt('END')]],
    ['role label', 'a\n\nUser: b', ['\n\nUser:'], [textStart, text('a'), ...cutAt('\n\nUser:')]],
    ['Chinese punctuation', '你好。世界', ['。'], [textStart, text('你好'), ...cutAt('。')]],
    ['overlapping prefix', 'aaab', ['aab'], [textStart, text('a'), ...cutAt('aab')]],
    ['the sequence completed first wins', 'abc', ['abc', 'b'], [textStart, text('a'), ...cutAt('b')]],
    ['on equal ends the longer sequence wins', 'abc', ['c', 'bc'], [textStart, text('a'), ...cutAt('bc')]],
    ['partial sequence at the end is released', 'almost STO', ['STOP'], [textStart, text('almost STO'), textEnd]],
    ['empty sequences are ignored', 'Hello', [''], [textStart, text('Hello'), textEnd]],
    ['no sequences', 'Hello STOP', [], [textStart, text('Hello STOP'), textEnd]],
  ])('%s: the same parts however the text is chunked', async (_name, answer, stop, expected) => {
    for (const { label, chunks } of everyChunking(answer)) {
      const output = await runTransform(cutAtStopSequences(stop), textBlockOf(chunks));
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
    expect(await runTransform(cutAtStopSequences(['STOP']), [textStart, text('Hello'), textEnd, upstreamFinish])).toEqual([
      textStart,
      text('He'),
      text('llo'),
      textEnd,
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
    const source = cancellableStreamOf([textStart, text('before STOP after'), text('never read'), textEnd, stopFinish]);
    const output = await readAll(source.stream.pipeThrough(cutAtStopSequences(['STOP'])));
    expect(output).toEqual([textStart, text('before '), ...cutAt('STOP')]);
    expect(await settlesWithin(source.cancelled, 1_000)).toBe(true);
  });
});
