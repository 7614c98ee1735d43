import { describe, expect, it } from 'vitest';
import { splitThinkTags } from '@/lib/chat/split-think-tags';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { everyChunking, hasEmptyDelta, mergeDeltas, runTransform, textDeltas } from '@/tests/support/stream-helpers';

const finish: ChatStreamPart = { type: 'finish', finishReason: 'stop' };
const text = (value: string): ChatStreamPart => ({ type: 'text-delta', text: value });
const reasoning = (value: string): ChatStreamPart => ({ type: 'reasoning-delta', text: value });
const upstreamError: ChatStreamPart = {
  type: 'error',
  error: new GatewayError('upstream broke', { status: 502, type: 'upstream_error' }),
};

describe('splitThinkTags', () => {
  it.each<[name: string, answer: string, expected: ChatStreamPart[]]>([
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
      const output = await runTransform(splitThinkTags(), [...textDeltas(chunks), finish]);
      expect(mergeDeltas(output), label).toEqual([...expected, finish]);
      expect(hasEmptyDelta(output), label).toBe(false);
    }
  });

  it('passes an answer without a tag through chunk for chunk', async () => {
    const parts = [...textDeltas(['Hel', 'lo ', '<think>', ' there']), finish];
    expect(await runTransform(splitThinkTags(), parts)).toEqual(parts);
  });

  it('releases answer text at once when it cannot start a tag', async () => {
    const transform = splitThinkTags();
    const writer = transform.writable.getWriter();
    const reader = transform.readable.getReader();
    void writer.write(text('H'));
    expect(await reader.read()).toEqual({ done: false, value: text('H') });
  });

  it('holds back an opening-tag prefix only until it diverges', async () => {
    const transform = splitThinkTags();
    const writer = transform.writable.getWriter();
    const reader = transform.readable.getReader();
    void writer.write(text(' <th'));
    void writer.write(text('ey'));
    expect(await reader.read()).toEqual({ done: false, value: text(' <they') });
  });

  it('holds back only a closing-tag prefix inside the reasoning', async () => {
    const transform = splitThinkTags();
    const writer = transform.writable.getWriter();
    const reader = transform.readable.getReader();
    void writer.write(text('<think>abc</th'));
    expect(await reader.read()).toEqual({ done: false, value: reasoning('abc') });
    void writer.write(text('en'));
    expect(await reader.read()).toEqual({ done: false, value: reasoning('</then') });
  });

  it.each<[name: string, input: ChatStreamPart[], expected: ChatStreamPart[]]>([
    [
      'usage between opening-tag fragments releases the fragment as text',
      [text('<th'), { type: 'usage', promptTokens: 1, completionTokens: 2 }, text('ink>')],
      [text('<th'), { type: 'usage', promptTokens: 1, completionTokens: 2 }, text('ink>')],
    ],
    [
      'error inside reasoning releases the held text as reasoning first',
      [text('<think>ab</th'), upstreamError],
      [reasoning('ab'), reasoning('</th'), upstreamError],
    ],
    [
      'upstream reasoning passes through in order',
      [reasoning('upstream'), text('Answer'), finish],
      [reasoning('upstream'), text('Answer'), finish],
    ],
    ['finish before any text', [finish], [finish]],
  ])('%s', async (_name, input, expected) => {
    expect(await runTransform(splitThinkTags(), input)).toEqual(expected);
  });
});
