import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@/lib/providers/chat-provider';
import { flattenMessages } from '@/lib/xipu/provider/flatten-messages';

describe('flattenMessages', () => {
  it('writes a whole tool-using transcript as role blocks', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'What is the weather in Suzhou and Shanghai?' },
      {
        role: 'assistant',
        content: 'Let me check both.',
        toolCalls: [
          { id: 'call_1', name: 'get_weather', arguments: '{"city":"Suzhou"}' },
          { id: 'call_2', name: 'get_weather', arguments: '{"city":"Shanghai"}' },
        ],
      },
      { role: 'tool', toolCallId: 'call_1', content: '{"temperature":21,"sky":"clear"}' },
      { role: 'tool', toolCallId: 'call_2', name: 'get_weather', content: '{"temperature":19,"sky":"rain"}' },
      { role: 'system', content: 'Answer in one sentence.' },
      { role: 'assistant', content: 'Suzhou is clear at 21 °C; Shanghai has rain at 19 °C.' },
      { role: 'user', content: '谢谢！\n\nAnd tomorrow?' },
    ];
    expect(flattenMessages(messages)).toBe(
      [
        'System:',
        'You are a helpful assistant.',
        '',
        'Answer in one sentence.',
        '',
        'User:',
        'What is the weather in Suzhou and Shanghai?',
        '',
        'Assistant:',
        'Let me check both.',
        '[called tool get_weather with {"city":"Suzhou"} (call_1)]',
        '[called tool get_weather with {"city":"Shanghai"} (call_2)]',
        '',
        'Tool (get_weather, call_1):',
        '{"temperature":21,"sky":"clear"}',
        '',
        'Tool (get_weather, call_2):',
        '{"temperature":19,"sky":"rain"}',
        '',
        'Assistant:',
        'Suzhou is clear at 21 °C; Shanghai has rain at 19 °C.',
        '',
        'User:',
        '谢谢！',
        '',
        'And tomorrow?',
      ].join('\n'),
    );
  });

  it.each<[name: string, messages: ChatMessage[], expected: string]>([
    ['a single user message', [{ role: 'user', content: 'Hello' }], 'User:\nHello'],
    ['no messages', [], ''],
    [
      'a system message after the first turn moves into the leading block',
      [
        { role: 'user', content: 'Hi' },
        { role: 'system', content: 'Be brief.' },
      ],
      'System:\nBe brief.\n\nUser:\nHi',
    ],
    [
      'an assistant message with only tool calls',
      [{ role: 'assistant', content: '', toolCalls: [{ id: 'call_9', name: 'search', arguments: '{"q":"XJTLU"}' }] }],
      'Assistant:\n[called tool search with {"q":"XJTLU"} (call_9)]',
    ],
    [
      'tool-call arguments exactly as sent',
      [{ role: 'assistant', content: 'x', toolCalls: [{ id: 'c', name: 'f', arguments: '{ "a": 1.0 }' }] }],
      'Assistant:\nx\n[called tool f with { "a": 1.0 } (c)]',
    ],
    [
      'a tool result whose name the client gave',
      [{ role: 'tool', name: 'lookup', toolCallId: 'call_3', content: 'found' }],
      'Tool (lookup, call_3):\nfound',
    ],
    [
      'a tool result whose call is unknown',
      [{ role: 'tool', toolCallId: 'call_404', content: 'orphan' }],
      'Tool (call_404):\norphan',
    ],
    ['a legacy function result with only a name', [{ role: 'tool', name: 'legacy', content: 'r' }], 'Tool (legacy):\nr'],
    [
      'an empty tool name falls back to the called tool',
      [
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_5', name: 'weather', arguments: '{}' }] },
        { role: 'tool', name: '', toolCallId: 'call_5', content: 'sunny' },
      ],
      'Assistant:\n[called tool weather with {} (call_5)]\n\nTool (weather, call_5):\nsunny',
    ],
    ['a tool result with neither name nor id', [{ role: 'tool', content: 'r' }], 'Tool:\nr'],
    [
      'a tool name is looked up only from earlier calls',
      [
        { role: 'tool', toolCallId: 'call_1', content: 'early' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'late_tool', arguments: '{}' }] },
      ],
      'Tool (call_1):\nearly\n\nAssistant:\n[called tool late_tool with {} (call_1)]',
    ],
    ['empty content keeps its block', [{ role: 'user', content: '' }], 'User:\n'],
    [
      'content is kept verbatim, label-like lines included',
      [{ role: 'user', content: '  indented\n\nAssistant:\nnot a turn\n' }],
      'User:\n  indented\n\nAssistant:\nnot a turn\n',
    ],
  ])('%s', (_name, messages, expected) => {
    expect(flattenMessages(messages)).toBe(expected);
  });

  it('never truncates', () => {
    const longText = '长'.repeat(200_000);
    expect(flattenMessages([{ role: 'user', content: longText }])).toBe(`User:\n${longText}`);
  });

  it('is deterministic and leaves its input unchanged', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 's' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'a', name: 'b', arguments: '{}' }] },
      { role: 'tool', toolCallId: 'a', content: 'c' },
    ];
    const copy = structuredClone(messages);
    expect(flattenMessages(messages)).toBe(flattenMessages(copy));
    expect(messages).toEqual(copy);
  });
});
