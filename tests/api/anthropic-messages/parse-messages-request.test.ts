import { describe, expect, it } from 'vitest';
import { parseMessagesRequest } from '@/lib/api/anthropic-messages/parse-messages-request';
import { isGatewayError } from '@/lib/errors/gateway-error';

const base = { model: 'claude-sonnet-4-5', max_tokens: 1024 };
const parse = (body: unknown, requireMaxTokens = true) => parseMessagesRequest(body, { requireMaxTokens });

function rejection(body: unknown, requireMaxTokens = true) {
  try {
    parse(body, requireMaxTokens);
  } catch (error) {
    if (isGatewayError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('parseMessagesRequest', () => {
  it('reads system blocks, string and block content, the sampling fields and stop sequences', () => {
    const request = parse({
      ...base,
      system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Be brief.' }],
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 'sig' }, { type: 'text', text: 'Hello' }] },
        { role: 'user', content: [{ type: 'text', text: 'More' }] },
      ],
      temperature: 0.5,
      top_p: 0.9,
      top_k: 5,
      metadata: { user_id: 'u' },
      stop_sequences: ['END', ''],
      stream: true,
      thinking: { type: 'enabled', budget_tokens: 2000 },
    });
    expect(request).toEqual({
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'You are Claude Code.\nBe brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello' },
        { role: 'user', content: 'More' },
      ],
      temperature: 0.5,
      topP: 0.9,
      maxTokens: 1024,
      stop: ['END'],
      stream: true,
      includeUsage: false,
    });
  });

  it('turns tool_use into calls with call_ ids and tool_result into tool messages paired by id, before the user’s text', () => {
    const request = parse({
      ...base,
      tools: [{ name: 'Read', description: 'Read a file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } }],
      messages: [
        { role: 'user', content: 'Read a' },
        { role: 'assistant', content: [{ type: 'text', text: 'Reading.' }, { type: 'tool_use', id: 'toolu_abc', name: 'Read', input: { path: 'a' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_abc', content: [{ type: 'text', text: 'no such file' }], is_error: true },
            { type: 'text', text: 'Try b' },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'user', content: 'Read a' },
      { role: 'assistant', content: 'Reading.', toolCalls: [{ id: 'call_abc', name: 'Read', arguments: '{"path":"a"}' }] },
      { role: 'tool', toolCallId: 'call_abc', name: 'Read', content: 'Error: no such file' },
      { role: 'user', content: 'Try b' },
    ]);
    expect(request.tools).toEqual({
      tools: [{ name: 'Read', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }],
      choice: { mode: 'auto' },
      parallel: true,
    });
  });

  it.each([
    [{ type: 'auto', disable_parallel_tool_use: true }, { mode: 'auto' }, false],
    [{ type: 'any' }, { mode: 'required' }, true],
    [{ type: 'tool', name: 'Bash' }, { mode: 'function', name: 'Bash' }, true],
  ])('maps tool_choice %j', (toolChoice, choice, parallel) => {
    const request = parse({ ...base, messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'Bash', input_schema: { type: 'object' } }], tool_choice: toolChoice });
    expect(request.tools).toEqual({ tools: [{ name: 'Bash', parameters: { type: 'object' } }], choice, parallel });
  });

  it('tool_choice none leaves the request without tools', () => {
    const request = parse({ ...base, messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'Bash', input_schema: { type: 'object' } }], tool_choice: { type: 'none' } });
    expect(request.tools).toBeUndefined();
  });

  it('count_tokens takes no max_tokens', () => {
    expect(parse({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, false).maxTokens).toBeUndefined();
  });

  it.each([
    ['max_tokens missing', { model: 'm', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens: Field required'],
    ['model missing', { max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, 'model: Field required'],
    ['an unknown role', { ...base, messages: [{ role: 'system', content: 'x' }] }, 'messages.0.role'],
    ['temperature above 1', { ...base, messages: [{ role: 'user', content: 'x' }], temperature: 1.5 }, 'temperature'],
    ['an image', { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA' } }] }] }, "messages[0].content[0]: content blocks of type 'image' are not supported"],
    ['an orphan tool_result', { ...base, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }] }, 'matches no tool_use'],
    ['tool_use in a user message', { ...base, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'toolu_x', name: 'a', input: {} }] }] }, "belongs in a message with role 'assistant'"],
    ['a tool without input_schema', { ...base, messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'has no input_schema'],
    ['tool_choice naming no tool', { ...base, messages: [{ role: 'user', content: 'x' }], tools: [{ name: 'a', input_schema: {} }], tool_choice: { type: 'tool', name: 'b' } }, 'tool_choice.name'],
    ['a non-object body', [1], 'JSON object'],
  ])('%s → 400', (_label, body, message) => {
    const error = rejection(body);
    expect(error.status).toBe(400);
    expect(error.message).toContain(message);
  });
});
