import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { renderPromptText } from '@/lib/chat/render-prompt-text';
import type { ChatMessage } from '@/lib/providers/chat-provider';

describe('renderPromptText', () => {
  it('writes every message: role, tool name and call id, content, each tool call; empty pieces left out', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Suzhou?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Suzhou"}' }] },
      { role: 'tool', name: 'get_weather', toolCallId: 'call_1', content: '{"temp":21}' },
    ];
    expect(renderPromptText(messages)).toBe(
      [
        'system',
        'Be brief.',
        'user',
        'Weather in Suzhou?',
        'assistant',
        'get_weather',
        '{"city":"Suzhou"}',
        'call_1',
        'tool',
        'get_weather',
        'call_1',
        '{"temp":21}',
      ].join('\n'),
    );
  });

  it('counts more than the message texts alone when the conversation holds tool calls', () => {
    const messages: ChatMessage[] = [
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'read_file', arguments: JSON.stringify({ path: 'src/index.ts' }) }] },
      { role: 'tool', toolCallId: 'call_1', content: 'export const answer = 42;' },
    ];
    const contentsOnly = messages.map((message) => message.content).join('\n');
    expect(renderPromptText(messages)).toContain('src/index.ts');
    expect(encode(renderPromptText(messages)).length).toBeGreaterThan(encode(contentsOnly).length);
  });
});
