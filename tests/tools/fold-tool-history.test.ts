import { describe, expect, it } from 'vitest';
import { foldToolHistory } from '@/lib/tools/fold-tool-history';
import type { ChatMessage } from '@/lib/providers/chat-provider';

/** A Roo-Code-like history: system, user, an assistant turn with two calls, their two results, user. */
function rooHistory(): ChatMessage[] {
  return [
    { role: 'system', content: 'You are Roo, a coding agent.' },
    { role: 'user', content: 'Read a.ts and b.ts.' },
    {
      role: 'assistant',
      content: 'Reading both files.',
      toolCalls: [
        { id: 'call_a', name: 'read_file', arguments: '{"path":"a.ts"}' },
        { id: 'call_b', name: 'read_file', arguments: '{"path":"b.ts"}' },
      ],
    },
    { role: 'tool', content: 'export const a = 1;', toolCallId: 'call_a' },
    { role: 'tool', content: 'export const b = "two";', toolCallId: 'call_b', name: 'read_file' },
    { role: 'user', content: 'Now add them.' },
  ];
}

describe('foldToolHistory', () => {
  it('folds a Roo-Code-like history into the documented text format', () => {
    expect(foldToolHistory(rooHistory(), 'xg7')).toEqual([
      { role: 'system', content: 'You are Roo, a coding agent.' },
      { role: 'user', content: 'Read a.ts and b.ts.' },
      {
        role: 'assistant',
        content: [
          'Reading both files.',
          '',
          '<tool_calls trigger="xg7">',
          '<invoke name="read_file">',
          '{"path":"a.ts"}',
          '</invoke>',
          '<invoke name="read_file">',
          '{"path":"b.ts"}',
          '</invoke>',
          '</tool_calls>',
        ].join('\n'),
      },
      { role: 'user', content: '<tool_result name="read_file" call_id="call_a">\nexport const a = 1;\n</tool_result>' },
      { role: 'user', content: '<tool_result name="read_file" call_id="call_b">\nexport const b = "two";\n</tool_result>' },
      { role: 'user', content: 'Now add them.' },
    ]);
  });

  it('leaves every other message as the same object, and changes nothing in its input', () => {
    const messages = rooHistory();
    const before = structuredClone(messages);
    const folded = foldToolHistory(messages, 'xg7');
    expect(messages).toEqual(before);
    for (const index of [0, 1, 5]) expect(folded[index]).toBe(messages[index]);
    expect(folded[2]).not.toHaveProperty('toolCalls');
  });

  it('an assistant turn with calls and no text is the block alone; empty arguments become {}', () => {
    const [folded] = foldToolHistory([{ role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'list_files', arguments: '' }] }], 'T9');
    expect(folded).toEqual({ role: 'assistant', content: '<tool_calls trigger="T9">\n<invoke name="list_files">\n{}\n</invoke>\n</tool_calls>' });
  });

  it("takes a result's name from the call its id answers, before the message's own name", () => {
    const folded = foldToolHistory(
      [
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{}' }] },
        { role: 'tool', content: 'sunny', toolCallId: 'call_1', name: 'weather' },
      ],
      'xg7',
    );
    expect(folded[1]).toEqual({ role: 'user', content: '<tool_result name="get_weather" call_id="call_1">\nsunny\n</tool_result>' });
  });

  it('legacy function results (a name, no id) and results of unknown calls leave out what is unknown', () => {
    const folded = foldToolHistory(
      [
        { role: 'assistant', content: '', toolCalls: [{ id: '', name: 'lookup', arguments: '{"q":1}' }] },
        { role: 'tool', content: 'found', name: 'lookup' },
        { role: 'tool', content: 'orphan', toolCallId: 'call_x' },
        { role: 'tool', content: 'bare' },
      ],
      'xg7',
    );
    expect(folded.slice(1)).toEqual([
      { role: 'user', content: '<tool_result name="lookup">\nfound\n</tool_result>' },
      { role: 'user', content: '<tool_result call_id="call_x">\norphan\n</tool_result>' },
      { role: 'user', content: '<tool_result>\nbare\n</tool_result>' },
    ]);
  });

  it('a plain assistant message (no calls, or an empty list) is not changed', () => {
    const plain: ChatMessage = { role: 'assistant', content: 'Hi.' };
    const emptyList: ChatMessage = { role: 'assistant', content: 'Hi.', toolCalls: [] };
    const folded = foldToolHistory([plain, emptyList], 'xg7');
    expect(folded[0]).toBe(plain);
    expect(folded[1]).toBe(emptyList);
  });
});
