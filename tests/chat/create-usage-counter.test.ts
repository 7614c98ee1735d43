import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { createUsageCounter } from '@/lib/chat/create-usage-counter';
import { renderPromptText } from '@/lib/chat/render-prompt-text';
import type { ChatMessage, ChatStreamPart } from '@/lib/providers/chat-provider';
import { runTransform } from '@/tests/support/stream-helpers';

const hello: ChatMessage[] = [{ role: 'user', content: 'Hello there' }];

describe('createUsageCounter', () => {
  it('counts the prompt and the completion separately', async () => {
    const counter = createUsageCounter(hello);
    await runTransform(counter.counting, [{ type: 'text-delta', id: 'text-0', text: '你好' }, { type: 'finish', finishReason: 'stop' }]);
    expect(counter.usage()).toEqual({
      promptTokens: encode(renderPromptText(hello)).length,
      completionTokens: encode('你好').length,
    });
    const silent = createUsageCounter([{ role: 'user', content: 'Hi' }]);
    expect(silent.usage()).toEqual({ promptTokens: encode('user\nHi').length, completionTokens: 0 });
  });

  it('passes every part through unchanged', async () => {
    const parts: ChatStreamPart[] = [
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: 'Hi' },
      { type: 'text-end', id: 'text-0' },
      { type: 'usage', promptTokens: 1, completionTokens: 1 },
      { type: 'finish', finishReason: 'stop' },
    ];
    expect(await runTransform(createUsageCounter(hello).counting, parts)).toEqual(parts);
  });

  it('counts reasoning, text and each tool call (name and arguments) in stream order as the completion', async () => {
    const counter = createUsageCounter(hello);
    await runTransform(counter.counting, [
      { type: 'reasoning-delta', id: 'reasoning-0', text: 'Let me ' },
      { type: 'reasoning-delta', id: 'reasoning-0', text: 'check.' },
      { type: 'text-delta', id: 'text-0', text: 'Checking.' },
      { type: 'tool-call-start', id: 'call_1', name: 'get_weather' },
      { type: 'tool-call-delta', id: 'call_1', argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', id: 'call_1', argumentsDelta: '"Suzhou"}' },
      { type: 'tool-call-end', id: 'call_1' },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
    expect(counter.usage().completionTokens).toBe(encode('Let me check.Checking.get_weather{"city":"Suzhou"}').length);
  });

  it('counts what has passed so far: an estimate mid-stream, final at the end', async () => {
    const counter = createUsageCounter(hello);
    const writer = counter.counting.writable.getWriter();
    const reader = counter.counting.readable.getReader();
    const pass = async (part: ChatStreamPart) => (await Promise.all([reader.read(), writer.write(part)]))[0];
    await pass({ type: 'text-delta', id: 'text-0', text: 'one' });
    expect(counter.usage().completionTokens).toBe(encode('one').length);
    await pass({ type: 'text-delta', id: 'text-0', text: ' two three' });
    expect(counter.usage().completionTokens).toBe(encode('one two three').length);
  });
});
