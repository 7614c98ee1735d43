import { describe, expect, it } from 'vitest';
import { isGatewayError } from '@/lib/errors/gateway-error';
import { parseResponsesRequest, toParsedResponses, validateResponsesRequest } from '@/lib/api/responses/parse-responses-request';

const parse = (body: Record<string, unknown>) => parseResponsesRequest({ model: 'gpt-4.1', ...body });

function rejection(body: unknown): { status: number; param: string | null; code: string | null; message: string } {
  try {
    parseResponsesRequest(body);
  } catch (error) {
    if (!isGatewayError(error)) throw error;
    return { status: error.status, param: error.param, code: error.code, message: error.message };
  }
  throw new Error('expected a rejection');
}

describe('parseResponsesRequest', () => {
  it('takes a string input and instructions as user and system messages, with the sampling fields', () => {
    const { chat, echo } = parse({ input: 'Hi', instructions: 'Be brief.', max_output_tokens: 50, temperature: 0.3, top_p: 0.9, stream: true, store: false, include: ['reasoning.encrypted_content'], prompt_cache_key: 'k', reasoning: { effort: 'low' }, metadata: { a: '1' }, truncation: 'auto', user: 'u' });
    expect(chat).toEqual({
      model: 'gpt-4.1',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      temperature: 0.3,
      topP: 0.9,
      maxTokens: 50,
      stop: [],
      stream: true,
      includeUsage: true,
    });
    expect(echo).toMatchObject({ instructions: 'Be brief.', max_output_tokens: 50, store: false, metadata: { a: '1' }, reasoning: { effort: 'low', summary: null }, truncation: 'auto', user: 'u' });
  });

  it('reads every item type: messages of each role, calls and outputs (custom ones as {"input"}), and skips reasoning', () => {
    const { chat } = parse({
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Rules' }] },
        { role: 'system', content: 'More rules' },
        { role: 'user', content: [{ type: 'input_text', text: 'Fix it' }, { type: 'input_text', text: 'now' }] },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'opaque' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Looking.' }] },
        { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}' },
        { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' },
        { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
        { type: 'custom_tool_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'Done' }] },
      ],
    });
    expect(chat.messages).toEqual([
      { role: 'system', content: 'Rules' },
      { role: 'system', content: 'More rules' },
      { role: 'user', content: 'Fix it\nnow' },
      {
        role: 'assistant',
        content: 'Looking.',
        toolCalls: [
          { id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}' },
          { id: 'call_2', name: 'apply_patch', arguments: JSON.stringify({ input: '*** Begin Patch\n*** End Patch' }) },
        ],
      },
      { role: 'tool', content: 'a.txt', toolCallId: 'call_1' },
      { role: 'tool', content: 'Done', toolCallId: 'call_2' },
    ]);
  });

  it('emulates function tools as given and custom tools as one string argument, ignoring hosted tools', () => {
    const { chat, customToolNames } = parse({
      input: 'Hi',
      tools: [
        { type: 'function', name: 'shell', description: 'Run', parameters: { type: 'object', properties: { command: { type: 'array' } } }, strict: false },
        { type: 'custom', name: 'apply_patch', description: 'Edit files', format: { type: 'grammar', syntax: 'lark', definition: 'start: "*** Begin Patch"' } },
        { type: 'web_search' },
        { type: 'function', name: 'noop' },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
    });
    expect([...customToolNames]).toEqual(['apply_patch']);
    expect(chat.tools?.choice).toEqual({ mode: 'auto' });
    expect(chat.tools?.parallel).toBe(false);
    expect(chat.tools?.tools.map((tool) => tool.name)).toEqual(['shell', 'apply_patch', 'noop']);
    const patch = chat.tools?.tools[1];
    expect(patch?.parameters).toEqual({ type: 'object', properties: { input: { type: 'string' } }, required: ['input'] });
    expect(patch?.description).toContain('Edit files');
    expect(patch?.description).toContain('start: "*** Begin Patch"');
    expect(chat.tools?.tools[2]?.parameters).toEqual({ type: 'object', properties: {} });
  });

  it('reads tool_choice none, a named tool, allowed_tools, and text.format', () => {
    const tools = [{ type: 'function', name: 'a' }, { type: 'custom', name: 'b' }];
    expect(parse({ input: 'x', tools, tool_choice: 'none' }).chat.tools).toBeUndefined();
    expect(parse({ input: 'x', tools, tool_choice: { type: 'custom', name: 'b' } }).chat.tools?.choice).toEqual({ mode: 'function', name: 'b' });
    const allowed = parse({ input: 'x', tools, tool_choice: { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'a' }] } }).chat.tools;
    expect(allowed?.tools.map((tool) => tool.name)).toEqual(['a']);
    expect(allowed?.choice).toEqual({ mode: 'required' });
    expect(parse({ input: 'x', text: { format: { type: 'json_object' } } }).chat.responseFormat).toEqual({ type: 'json_object' });
    expect(parse({ input: 'x', text: { format: { type: 'json_schema', name: 'r', schema: { type: 'object' }, strict: true } } }).chat.responseFormat).toEqual({
      type: 'json_schema',
      name: 'r',
      schema: { type: 'object' },
      strict: true,
    });
    expect(parse({ input: 'x', text: { format: { type: 'text' } } }).chat.responseFormat).toBeUndefined();
  });

  it.each([
    ['a non-object body', [], null, 'invalid_body'],
    ['a missing model', { input: 'x' }, 'model', 'missing_required_parameter'],
    ['a missing input', { model: 'm' }, 'input', 'missing_required_parameter'],
    ['an unresolved item_reference', { model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].id', 'invalid_value'],
    ['an input_image', { model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'data:' }] }] }, 'input[0].content[0]', 'unsupported_content'],
    ['an unknown role', { model: 'm', input: [{ role: 'tool', content: 'x' }] }, 'input[0].role', 'invalid_value'],
    ['an unknown item type', { model: 'm', input: [{ type: 'computer_call' }] }, 'input[0].type', 'invalid_value'],
    ['an item without type or role', { model: 'm', input: [{ content: 'x' }] }, 'input[0].type', 'missing_required_parameter'],
    ['a function_call without call_id', { model: 'm', input: [{ type: 'function_call', name: 'a', arguments: '{}' }] }, 'input[0].call_id', 'missing_required_parameter'],
    ['an output answering no call', { model: 'm', input: [{ type: 'function_call_output', call_id: 'call_x', output: 'x' }] }, 'input[0].call_id', 'invalid_value'],
    ['an empty input', { model: 'm', input: [] }, 'input', 'empty_array'],
    ['a function tool without name', { model: 'm', input: 'x', tools: [{ type: 'function' }] }, 'tools[0].name', 'missing_required_parameter'],
    ['a bad tool name', { model: 'm', input: 'x', tools: [{ type: 'function', name: 'a b' }] }, 'tools[0].name', 'invalid_value'],
    ['a repeated tool name', { model: 'm', input: 'x', tools: [{ type: 'function', name: 'a' }, { type: 'custom', name: 'a' }] }, 'tools[1].name', 'invalid_value'],
    ['a choice of an unknown tool', { model: 'm', input: 'x', tools: [{ type: 'function', name: 'a' }], tool_choice: { type: 'function', name: 'b' } }, 'tool_choice.name', 'invalid_value'],
    ['a temperature out of range', { model: 'm', input: 'x', temperature: 3 }, 'temperature', 'invalid_value'],
    ['a json_schema without schema', { model: 'm', input: 'x', text: { format: { type: 'json_schema', name: 'r' } } }, 'text.format.schema', 'missing_required_parameter'],
  ])('answers %s with a 400 naming the field', (_name, body, param, code) => {
    const error = rejection(body);
    expect(error).toMatchObject({ status: 400, param, code });
    expect(error.message.length).toBeGreaterThan(20);
  });

  it('puts a stored conversation before the input, and stores by default', () => {
    const body = { model: 'm', input: [{ type: 'function_call_output', call_id: 'call_1', output: 'sunny' }], previous_response_id: 'resp_1' };
    const prior = [
      { type: 'message', role: 'user', content: 'Weather?' },
      { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
    ];
    const parsed = toParsedResponses(validateResponsesRequest(body), body, { prior, input: body.input });
    expect(parsed.chat.messages).toEqual([
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{}' }] },
      { role: 'tool', content: 'sunny', toolCallId: 'call_1' },
    ]);
    expect(parsed.store).toBe(true);
    expect(parsed.echo).toMatchObject({ store: true, previous_response_id: 'resp_1' });
    expect(parsed.conversation).toEqual([...prior, ...body.input]);
    expect(parse({ input: 'x', store: false })).toMatchObject({ store: false, conversation: [{ type: 'message', role: 'user', content: 'x' }] });
  });
});
