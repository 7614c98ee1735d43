import { describe, expect, it } from 'vitest';
import { splitThinkTags } from '@/lib/chat/split-think-tags';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { blockOf, everyChunking, hasEmptyDelta, mergeDeltas, runTransform, textBlockOf, textDeltas } from '@/tests/support/stream-helpers';

const finish: ChatStreamPart = { type: 'finish', finishReason: 'stop' };
const usage: ChatStreamPart = { type: 'usage', promptTokens: 1, completionTokens: 2 };
/** Whole blocks, as the transform writes them (`reasoning-0`, then `text-0`). */
const text = (value: string): ChatStreamPart[] => blockOf('text', value);
const reasoning = (value: string): ChatStreamPart[] => blockOf('reasoning', value);
/** Single deltas, for reading the output part by part. */
const textDelta = (value: string): ChatStreamPart => ({ type: 'text-delta', id: 'text-0', text: value });
const reasoningDelta = (value: string): ChatStreamPart => ({ type: 'reasoning-delta', id: 'reasoning-0', text: value });
const upstreamError: ChatStreamPart = {
  type: 'error',
  error: new GatewayError('upstream broke', { status: 502, type: 'upstream_error' }),
};

describe('splitThinkTags', () => {
  it.each<[name: string, answer: string, expected: ChatStreamPart[][]]>([
    ['plain answer', 'Hello world', [text('Hello world')]],
    ['reasoning then answer', '<think>plan</think>Answer', [reasoning('plan'), text('Answer')]],
    ['R1 layout (whitespace after <think> dropped)', '<think>\nplan\n</think>\n\nAnswer', [reasoning('plan\n'), text('Answer')]],
    ['leading whitespace before the tag', '  \n<think>x</think> y', [reasoning('x'), text('y')]],
    ['tag later in the answer is text', 'Answer <think>not reasoning</think>', [text('Answer <think>not reasoning</think>')]],
    ['stream ends inside reasoning', '<think>unfinished', [reasoning('unfinished')]],
    ['stream ends inside reasoning on a tag prefix', '<think>unfinished</thi', [reasoning('unfinished</thi')]],
    ['stream ends on an opening-tag prefix', '<thin', [text('<thin')]],
    ['look-alike tag', '<thinking>', [text('<thinking>')]],
    ['empty reasoning', '<think></think>Answer', [text('Answer')]],
    ['closing-tag look-alikes inside reasoning', '<think>a < b </thin k</think>Ans', [reasoning('a < b </thin k'), text('Ans')]],
    ['reasoning with a blank answer', '<think>x</think>   ', [reasoning('x')]],
    ['whitespace only', ' \n ', [text(' \n ')]],
    ['empty', '', []],
    ['Chinese answer', '中文<think>', [text('中文<think>')]],
    ['Chinese reasoning', '<think>推理</think>\n答案', [reasoning('推理'), text('答案')]],
    ['second closing tag is answer text', '<think>a</think>b</think>c', [reasoning('a'), text('b</think>c')]],
    ['nested opening tag is reasoning text', ' <think>a<think>b</think>c', [reasoning('a<think>b'), text('c')]],
    ['doubled angle bracket', '<<think>', [text('<<think>')]],
    ['whitespace inside the answer is kept', '<think>r</think>\n a \n b', [reasoning('r'), text('a \n b')]],
  ])('%s: the same parts however the text is chunked', async (_name, answer, expected) => {
    for (const { label, chunks } of everyChunking(answer)) {
      const output = await runTransform(splitThinkTags(), [...textBlockOf(chunks), finish]);
      expect(mergeDeltas(output), label).toEqual([...expected.flat(), finish]);
      expect(hasEmptyDelta(output), label).toBe(false);
    }
  });

  it('passes an answer without a tag through chunk for chunk', async () => {
    const parts = [...textBlockOf(['Hel', 'lo ', '<think>', ' there']), finish];
    expect(await runTransform(splitThinkTags(), parts)).toEqual(parts);
  });

  it('releases answer text at once when it cannot start a tag', async () => {
    const transform = splitThinkTags();
    const writer = transform.writable.getWriter();
    const reader = transform.readable.getReader();
    void writer.write({ type: 'text-start', id: 'text-0' });
    void writer.write(textDelta('H'));
    expect(await reader.read()).toEqual({ done: false, value: { type: 'text-start', id: 'text-0' } });
    expect(await reader.read()).toEqual({ done: false, value: textDelta('H') });
  });

  it('holds back an opening-tag prefix only until it diverges', async () => {
    const transform = splitThinkTags();
    const writer = transform.writable.getWriter();
    const reader = transform.readable.getReader();
    void writer.write(textDelta(' <th'));
    void writer.write(textDelta('ey'));
    expect(await reader.read()).toEqual({ done: false, value: { type: 'text-start', id: 'text-0' } });
    expect(await reader.read()).toEqual({ done: false, value: textDelta(' <they') });
  });

  it('holds back only a closing-tag prefix inside the reasoning', async () => {
    const transform = splitThinkTags();
    const writer = transform.writable.getWriter();
    const reader = transform.readable.getReader();
    void writer.write(textDelta('<think>abc</th'));
    expect(await reader.read()).toEqual({ done: false, value: { type: 'reasoning-start', id: 'reasoning-0' } });
    expect(await reader.read()).toEqual({ done: false, value: reasoningDelta('abc') });
    void writer.write(textDelta('en'));
    expect(await reader.read()).toEqual({ done: false, value: reasoningDelta('</then') });
  });

  it.each<[name: string, input: ChatStreamPart[], expected: ChatStreamPart[]]>([
    [
      'usage between opening-tag fragments releases the fragment as text',
      [{ type: 'text-start', id: 'text-0' }, textDelta('<th'), usage, textDelta('ink>'), { type: 'text-end', id: 'text-0' }],
      [{ type: 'text-start', id: 'text-0' }, textDelta('<th'), usage, textDelta('ink>'), { type: 'text-end', id: 'text-0' }],
    ],
    [
      'error inside reasoning releases the held text as reasoning first',
      [{ type: 'text-start', id: 'text-0' }, textDelta('<think>ab</th'), upstreamError],
      [{ type: 'reasoning-start', id: 'reasoning-0' }, reasoningDelta('ab'), reasoningDelta('</th'), upstreamError],
    ],
    [
      'upstream reasoning passes through in order',
      [...blockOf('reasoning', 'upstream', 'upstream-r'), ...text('Answer'), finish],
      [...blockOf('reasoning', 'upstream', 'upstream-r'), ...text('Answer'), finish],
    ],
    ['finish before any text', [finish], [finish]],
    [
      'a text block left open is ended before the finish',
      [{ type: 'text-start', id: 'text-0' }, textDelta('<think>r</think>a'), finish],
      [...reasoning('r'), ...text('a'), finish],
    ],
  ])('%s', async (_name, input, expected) => {
    expect(await runTransform(splitThinkTags(), input)).toEqual(expected);
  });
});
