import { describe, expect, it } from 'vitest';
import { toMessagesHistory } from '@/lib/aichats/to-messages-history';

describe('toMessagesHistory', () => {
  it('maps user to you and assistant to chatGPT, verbatim', () => {
    expect(
      toMessagesHistory([
        { role: 'user', content: 'a\nb' },
        { role: 'assistant', content: 'c' },
        { role: 'user', content: 'd' },
      ]),
    ).toEqual([
      { from: 'you', content: 'a\nb' },
      { from: 'chatGPT', content: 'c' },
      { from: 'you', content: 'd' },
    ]);
  });

  it('folds system messages into the next you turn, in place; alone at the end they are a you turn', () => {
    expect(
      toMessagesHistory([
        { role: 'system', content: 'S1' },
        { role: 'system', content: 'S2' },
        { role: 'user', content: 'u1' },
        { role: 'assistant', content: 'a1' },
        { role: 'system', content: 'S3' },
        { role: 'user', content: 'u2' },
      ]),
    ).toEqual([
      { from: 'you', content: 'S1\n\nS2\n\nu1' },
      { from: 'chatGPT', content: 'a1' },
      { from: 'you', content: 'S3\n\nu2' },
    ]);
    expect(toMessagesHistory([{ role: 'system', content: 'only instructions' }])).toEqual([{ from: 'you', content: 'only instructions' }]);
  });

  it('writes tool calls and tool results as text, the result named after its call', () => {
    expect(
      toMessagesHistory([
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Suzhou"}' }] },
        { role: 'tool', content: 'sunny', toolCallId: 'call_1' },
        { role: 'tool', content: 'raw', toolCallId: 'call_unknown' },
        { role: 'assistant', content: '' },
      ]),
    ).toEqual([
      { from: 'you', content: 'weather?' },
      { from: 'chatGPT', content: '[called tool get_weather with {"city":"Suzhou"}]' },
      { from: 'you', content: 'Tool result (get_weather):\nsunny' },
      { from: 'you', content: 'Tool result:\nraw' },
    ]);
  });
});
