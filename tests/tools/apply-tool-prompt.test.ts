import { describe, expect, it } from 'vitest';
import { applyToolPrompt } from '@/lib/tools/apply-tool-prompt';
import { renderToolPrompt } from '@/lib/tools/render-tool-prompt';
import { parseChatRequest } from '@/lib/api/chat-completions/parse-chat-request';
import { flattenMessages } from '@/lib/xipu/provider/flatten-messages';
import type { ChatMessage, ChatRequest } from '@/lib/providers/chat-provider';
import type { ToolRequest } from '@/lib/providers/tool-request';

const tools: ToolRequest = {
  tools: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
  choice: { mode: 'auto' },
  parallel: true,
};

function request(messages: ChatMessage[], extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'gpt-4.1', messages, stop: [], stream: true, includeUsage: false, ...extra };
}

const history: ChatMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'system', content: 'Use metric units.' },
  { role: 'user', content: 'Weather in Suzhou?' },
  { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Suzhou"}' }] },
  { role: 'tool', content: 'sunny', toolCallId: 'call_1' },
  { role: 'system', content: 'A late system message.' },
];

describe('applyToolPrompt', () => {
  it('returns the very same object when neither tools nor responseFormat is set', () => {
    const plain = request(history);
    const snapshot = structuredClone(plain);
    expect(applyToolPrompt(plain, 'xg7')).toBe(plain);
    expect(plain).toEqual(snapshot);
  });

  it('with tools: the prompt after the leading system messages, the history folded, the request not changed', () => {
    const original = request(history, { tools });
    const snapshot = structuredClone(original);
    const applied = applyToolPrompt(original, 'xg7');
    expect(original).toEqual(snapshot);
    expect(applied).not.toBe(original);
    expect(applied.messages.map((message) => message.role)).toEqual(['system', 'system', 'system', 'user', 'assistant', 'user', 'system']);
    expect(applied.messages[2]).toEqual({ role: 'system', content: renderToolPrompt(original, 'xg7') });
    expect(applied.messages[4]).toEqual({ role: 'assistant', content: '<tool_calls trigger="xg7">\n<invoke name="get_weather">\n{"city":"Suzhou"}\n</invoke>\n</tool_calls>' });
    expect(applied.messages[5]).toEqual({ role: 'user', content: '<tool_result name="get_weather" call_id="call_1">\nsunny\n</tool_result>' });
    expect(applied.messages.some((message) => message.toolCalls !== undefined || message.role === 'tool')).toBe(false);
    const { messages: _applied, ...appliedRest } = applied;
    const { messages: _original, ...originalRest } = original;
    expect(appliedRest).toEqual(originalRest);
  });

  it('without a leading system message the prompt comes first', () => {
    const applied = applyToolPrompt(request([{ role: 'user', content: 'Hi' }], { tools }), 'xg7');
    expect(applied.messages.map((message) => message.role)).toEqual(['system', 'user']);
    expect(applied.messages[0]?.content).toContain('## get_weather');
  });

  it('a responseFormat alone also gets the prompt (structured output without tools)', () => {
    const original = request([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'A city, as JSON.' }], { responseFormat: { type: 'json_object' } });
    const applied = applyToolPrompt(original, 'xg7');
    expect(applied.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: renderToolPrompt(original, 'xg7') },
      { role: 'user', content: 'A city, as JSON.' },
    ]);
    expect(applied.messages[1]?.content).toContain('one JSON value and nothing else');
  });
});

describe('a request without tools reaches the flattened prompt as before', () => {
  // A tool history sent without `tools` (a client with its own prompt-based tools): the
  // ChatMessages the parser has always produced for it, written out.
  const body = {
    model: 'gpt-4.1',
    tool_choice: 'auto',
    parallel_tool_calls: true,
    messages: [
      { role: 'developer', content: 'You are Cline.' },
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: { city: 'Suzhou' } } }] },
      { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'sunny' }] },
      { role: 'tool', tool_call_id: 'call_unknown', content: 'orphan' },
      { role: 'user', content: '<read_file><path>a.ts</path></read_file>' },
    ],
  };
  const messagesBefore: ChatMessage[] = [
    { role: 'system', content: 'You are Cline.' },
    { role: 'user', content: 'Weather?' },
    { role: 'assistant', content: 'Checking.', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Suzhou"}' }] },
    { role: 'tool', content: 'sunny', toolCallId: 'call_1' },
    { role: 'tool', content: 'orphan', toolCallId: 'call_unknown' },
    { role: 'user', content: '<read_file><path>a.ts</path></read_file>' },
  ];

  it('parse → applyToolPrompt → flattenMessages gives the text the old messages gave', () => {
    const parsed = parseChatRequest(body);
    expect(parsed.tools).toBeUndefined();
    expect(parsed.messages).toEqual(messagesBefore);
    const applied = applyToolPrompt(parsed, 'xg7');
    expect(applied).toBe(parsed);
    const text = flattenMessages(applied.messages);
    expect(text).toBe(flattenMessages(messagesBefore));
    expect(text).toContain('[called tool get_weather with {"city":"Suzhou"} (call_1)]');
    expect(text).not.toContain('<tool_calls');
  });
});
