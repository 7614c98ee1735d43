import { describe, expect, it } from 'vitest';
import { GatewayError } from '@/lib/errors/gateway-error';
import { parseChatRequest } from '@/lib/api/chat-completions/parse-chat-request';
import type { ChatRequest } from '@/lib/providers/chat-provider';

const hello = [{ role: 'user', content: 'Hello' }];

/** The ChatRequest for `{model:'gpt-4.1', messages:hello}` with the given overrides. */
function expected(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'gpt-4.1',
    messages: [{ role: 'user', content: 'Hello' }],
    stop: [],
    stream: false,
    includeUsage: false,
    ...overrides,
  };
}

function parseError(body: unknown): GatewayError {
  try {
    parseChatRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected parseChatRequest to throw');
}

describe('parseChatRequest: accepted shapes', () => {
  it.each<[string, Record<string, unknown>, ChatRequest]>([
    ['minimal body', { model: 'gpt-4.1', messages: hello }, expected()],
    ['model is trimmed', { model: '  gpt-4.1\n', messages: hello }, expected()],
    [
      'every optional field null',
      {
        model: 'gpt-4.1',
        messages: hello,
        stop: null,
        max_tokens: null,
        max_completion_tokens: null,
        temperature: null,
        top_p: null,
        presence_penalty: null,
        frequency_penalty: null,
        n: null,
        stream: null,
        stream_options: null,
        tools: null,
        tool_choice: null,
      },
      expected(),
    ],
    ['empty tools array', { model: 'gpt-4.1', messages: hello, tools: [] }, expected()],
    [
      'every unknown field from client-compat §10',
      {
        model: 'gpt-4.1',
        messages: hello,
        stream_options: { include_usage: false, continuous_usage_stats: true },
        reasoning_effort: 'high',
        parallel_tool_calls: true,
        tool_choice: 'auto',
        response_format: { type: 'json_object' },
        seed: 42,
        user: 'user-1',
        n: 1,
        logprobs: false,
        top_logprobs: null,
        prediction: { type: 'content', content: 'x' },
        service_tier: 'auto',
        verbosity: 'low',
        prompt_cache_key: 'key',
        metadata: { a: 'b' },
        store: false,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        enable_thinking: true,
        include_reasoning: true,
        web_search_options: {},
        extra_body: { anything: [1, 2] },
        tools: [{ type: 'function', function: { name: 'f', parameters: {} } }],
      },
      // The tool fields among them are read now (docs/tool-calls.md); the rest are ignored.
      expected({
        tools: { tools: [{ name: 'f', parameters: {} }], choice: { mode: 'auto' }, parallel: true },
        responseFormat: { type: 'json_object' },
      }),
    ],
    [
      'unknown fields inside messages and parts (cache_control, name, refusal)',
      {
        model: 'gpt-4.1',
        messages: [
          {
            role: 'user',
            name: 'alice',
            content: [{ type: 'text', text: 'Hello', cache_control: { type: 'ephemeral' } }],
            extra: 1,
          },
        ],
      },
      expected(),
    ],
    [
      'sampling numbers and stream options',
      {
        model: 'gpt-4.1',
        messages: hello,
        temperature: 0.7,
        top_p: 1,
        presence_penalty: -0.5,
        frequency_penalty: 0,
        max_tokens: 100,
        stream: true,
        stream_options: { include_usage: true },
      },
      expected({
        temperature: 0.7,
        topP: 1,
        presencePenalty: -0.5,
        frequencyPenalty: 0,
        maxTokens: 100,
        stream: true,
        includeUsage: true,
      }),
    ],
    [
      "sampling numbers at the ends of OpenAI's ranges",
      { model: 'gpt-4.1', messages: hello, temperature: 2, top_p: 0, presence_penalty: -2, frequency_penalty: 2 },
      expected({ temperature: 2, topP: 0, presencePenalty: -2, frequencyPenalty: 2 }),
    ],
    ['tool_choice without tools', { model: 'gpt-4.1', messages: hello, tool_choice: 'auto', parallel_tool_calls: false }, expected()],
    ['response_format text', { model: 'gpt-4.1', messages: hello, response_format: { type: 'text' } }, expected()],
    [
      'max_completion_tokens wins over max_tokens',
      { model: 'gpt-4.1', messages: hello, max_tokens: 100, max_completion_tokens: 2000 },
      expected({ maxTokens: 2000 }),
    ],
    [
      'max_completion_tokens alone',
      { model: 'gpt-4.1', messages: hello, max_completion_tokens: 50 },
      expected({ maxTokens: 50 }),
    ],
    [
      'max_tokens used when max_completion_tokens is null',
      { model: 'gpt-4.1', messages: hello, max_tokens: 30, max_completion_tokens: null },
      expected({ maxTokens: 30 }),
    ],
    ['stop as a string', { model: 'gpt-4.1', messages: hello, stop: 'END' }, expected({ stop: ['END'] })],
    ['stop as an empty string', { model: 'gpt-4.1', messages: hello, stop: '' }, expected({ stop: [] })],
    [
      'stop as an array: empty strings dropped, more than 4 accepted',
      { model: 'gpt-4.1', messages: hello, stop: ['a', '', 'b', 'c', 'd', 'e'] },
      expected({ stop: ['a', 'b', 'c', 'd', 'e'] }),
    ],
    [
      'include_usage without stream',
      { model: 'gpt-4.1', messages: hello, stream_options: { include_usage: true } },
      expected({ includeUsage: true }),
    ],
    ['stream_options without include_usage', { model: 'gpt-4.1', messages: hello, stream: true, stream_options: {} }, expected({ stream: true })],
  ])('%s', (_name, body, result) => {
    expect(parseChatRequest(body)).toEqual(result);
  });
});

describe('parseChatRequest: messages', () => {
  it.each<[string, unknown[], ChatRequest['messages']]>([
    [
      'developer becomes system',
      [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    ],
    [
      'NextChat "Formatting re-enabled" developer message dropped',
      [
        { role: 'developer', content: 'Formatting re-enabled' },
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'Hi' },
      ],
      [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'Hi' },
      ],
    ],
    [
      '"Formatting re-enabled" as a system text part with whitespace dropped',
      [
        { role: 'system', content: [{ type: 'text', text: ' Formatting re-enabled \n' }] },
        { role: 'user', content: 'Hi' },
      ],
      [{ role: 'user', content: 'Hi' }],
    ],
    [
      'Roo "Formatting re-enabled\\n<system prompt>" keeps the prompt',
      [
        { role: 'developer', content: 'Formatting re-enabled\nYou are Roo.\nBe careful.' },
        { role: 'user', content: 'Hi' },
      ],
      [
        { role: 'system', content: 'You are Roo.\nBe careful.' },
        { role: 'user', content: 'Hi' },
      ],
    ],
    [
      '"Formatting re-enabled" in a user message is kept',
      [{ role: 'user', content: 'Formatting re-enabled' }],
      [{ role: 'user', content: 'Formatting re-enabled' }],
    ],
    [
      'text parts joined with "\\n", empty parts skipped',
      [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'first' },
            { type: 'text', text: '' },
            { type: 'text', text: 'second' },
          ],
        },
      ],
      [{ role: 'user', content: 'first\nsecond' }],
    ],
    ['empty user string (OpenAI accepts "")', [{ role: 'user', content: '' }], [{ role: 'user', content: '' }]],
    [
      'system and tool content as part arrays',
      [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: 'Hi' },
        { role: 'tool', tool_call_id: 'c', content: [{ type: 'text', text: '' }] },
      ],
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'tool', content: '', toolCallId: 'c' },
      ],
    ],
    [
      'assistant content null with tool_calls, tool result with tool_call_id and name',
      [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Suzhou"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: { zone: 'CST' } } },
            { id: 'call_3', type: 'function', function: { name: 'ping' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', name: 'get_weather', content: 'sunny' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '12:00' }] },
      ],
      [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: 'call_1', name: 'get_weather', arguments: '{"city":"Suzhou"}' },
            { id: 'call_2', name: 'get_time', arguments: '{"zone":"CST"}' },
            { id: 'call_3', name: 'ping', arguments: '' },
          ],
        },
        { role: 'tool', content: 'sunny', name: 'get_weather', toolCallId: 'call_1' },
        { role: 'tool', content: '12:00', toolCallId: 'call_2' },
      ],
    ],
    [
      'empty tool_calls array means no tool calls (OpenAI refuses it; clients send it)',
      [{ role: 'assistant', content: 'Done.', tool_calls: [] }],
      [{ role: 'assistant', content: 'Done.' }],
    ],
    ...(
      [
        ['""', { content: '' }, ''],
        ['null', { content: null }, ''],
        ['absent', {}, ''],
        ['[] (OpenAI would refuse the empty array; nothing is lost)', { content: [] }, ''],
        ['a text part', { content: [{ type: 'text', text: 'Checking.' }] }, 'Checking.'],
      ] as const
    ).map(([label, content, text]): [string, unknown[], ChatRequest['messages']] => [
      `assistant tool-call turn with content ${label}`,
      [{ role: 'assistant', ...content, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }],
      [{ role: 'assistant', content: text, toolCalls: [{ id: 'c', name: 'f', arguments: '{}' }] }],
    ]),
    [
      'assistant legacy function_call without content',
      [{ role: 'assistant', function_call: { name: 'lookup', arguments: '{}' } }],
      [{ role: 'assistant', content: '', toolCalls: [{ id: '', name: 'lookup', arguments: '{}' }] }],
    ],
    [
      'assistant reasoning_content ignored, refusal part kept as text',
      [
        { role: 'assistant', content: 'Answer', reasoning_content: 'thinking…' },
        { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }] },
      ],
      [
        { role: 'assistant', content: 'Answer' },
        { role: 'assistant', content: 'I cannot.' },
      ],
    ],
    [
      'legacy function role and function_call',
      [
        { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{"q":1}' } },
        { role: 'function', name: 'lookup', content: 'result' },
      ],
      [
        { role: 'assistant', content: '', toolCalls: [{ id: '', name: 'lookup', arguments: '{"q":1}' }] },
        { role: 'tool', content: 'result', name: 'lookup' },
      ],
    ],
    [
      'legacy function result with content null (typed string | null)',
      [{ role: 'function', name: 'lookup', content: null }],
      [{ role: 'tool', content: '', name: 'lookup' }],
    ],
    [
      'user participant name is not carried over',
      [{ role: 'user', name: 'bob', content: 'Hi' }],
      [{ role: 'user', content: 'Hi' }],
    ],
  ])('%s', (_name, messages, result) => {
    expect(parseChatRequest({ model: 'gpt-4.1', messages }).messages).toEqual(result);
  });
});

describe('parseChatRequest: rejected shapes', () => {
  it.each<[string, unknown, { param: string | null; code: string; message: RegExp }]>([
    ['null body', null, { param: null, code: 'invalid_body', message: /JSON object/ }],
    ['array body', [], { param: null, code: 'invalid_body', message: /JSON object/ }],
    ['string body', 'hello', { param: null, code: 'invalid_body', message: /JSON object/ }],
    ['missing model', { messages: hello }, { param: 'model', code: 'missing_required_parameter', message: /^Missing required parameter: 'model'\.$/ }],
    ['blank model', { model: '   ', messages: hello }, { param: 'model', code: 'empty_string', message: /'model': empty string/ }],
    ['model not a string', { model: 4, messages: hello }, { param: 'model', code: 'invalid_type', message: /expected a string, but got a number/ }],
    ['missing messages', { model: 'm' }, { param: 'messages', code: 'missing_required_parameter', message: /'messages'/ }],
    ['empty messages', { model: 'm', messages: [] }, { param: 'messages', code: 'empty_array', message: /'messages': empty array/ }],
    ['messages not an array', { model: 'm', messages: 'hi' }, { param: 'messages', code: 'invalid_type', message: /expected an array, but got a string/ }],
    ['message not an object', { model: 'm', messages: ['hi'] }, { param: 'messages[0]', code: 'invalid_type', message: /'messages\[0\]': expected an object/ }],
    ['missing role', { model: 'm', messages: [{ content: 'x' }] }, { param: 'messages[0].role', code: 'missing_required_parameter', message: /'messages\[0\]\.role'/ }],
    [
      'unknown role',
      { model: 'm', messages: [{ role: 'user', content: 'a' }, { role: 'robot', content: 'x' }] },
      { param: 'messages[1].role', code: 'invalid_value', message: /'messages\[1\]\.role': 'robot'\. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool', 'function'/ },
    ],
    [
      'content of the wrong type',
      { model: 'm', messages: [{ role: 'user', content: 42 }] },
      { param: 'messages[0].content', code: 'invalid_type', message: /'messages\[0\]\.content': expected a string or an array, but got a number/ },
    ],
    [
      'content part without type',
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { text: 'x' }] }] },
      { param: 'messages[0].content[1].type', code: 'missing_required_parameter', message: /'messages\[0\]\.content\[1\]\.type'/ },
    ],
    [
      'text part without text',
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'text' }] }] },
      { param: 'messages[0].content[0].text', code: 'invalid_type', message: /'messages\[0\]\.content\[0\]\.text': expected a string/ },
    ],
    [
      'image_url part',
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }] },
      { param: 'messages[0].content[1]', code: 'unsupported_content', message: /type 'image_url'\. This service accepts text only/ },
    ],
    [
      'input_audio part',
      { model: 'm', messages: [{ role: 'system', content: 'x' }, { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }] },
      { param: 'messages[1].content[0]', code: 'unsupported_content', message: /type 'input_audio'\. This service accepts text only/ },
    ],
    [
      'file part',
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'file', file: { file_data: 'data:application/pdf;base64,AA' } }] }] },
      { param: 'messages[0].content[0]', code: 'unsupported_content', message: /type 'file'\. This service accepts text only/ },
    ],
    [
      'video_url part',
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'video_url', video_url: { url: 'https://x/v.mp4' } }] }] },
      { param: 'messages[0].content[0]', code: 'unsupported_content', message: /type 'video_url'\. This service accepts text only/ },
    ],
    [
      'refusal part outside an assistant message',
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'refusal', refusal: 'no' }] }] },
      { param: 'messages[0].content[0]', code: 'unsupported_content', message: /type 'refusal'/ },
    ],
    ['n = 2', { model: 'm', messages: hello, n: 2 }, { param: 'n', code: 'unsupported_value', message: /'n': 2\. .*one choice/ }],
    ['n = 0', { model: 'm', messages: hello, n: 0 }, { param: 'n', code: 'unsupported_value', message: /'n': 0/ }],
    ['temperature "hot"', { model: 'm', messages: hello, temperature: 'hot' }, { param: 'temperature', code: 'invalid_type', message: /^Invalid type for 'temperature': expected a number, but got a string\.$/ }],
    ['top_p as a numeric string', { model: 'm', messages: hello, top_p: '0.9' }, { param: 'top_p', code: 'invalid_type', message: /'top_p'/ }],
    ['max_tokens decimal', { model: 'm', messages: hello, max_tokens: 1.5 }, { param: 'max_tokens', code: 'invalid_type', message: /expected an integer, but got a decimal \(1\.5\)/ }],
    ['max_tokens zero', { model: 'm', messages: hello, max_tokens: 0 }, { param: 'max_tokens', code: 'invalid_value', message: /'max_tokens'.*> 0/ }],
    ['max_completion_tokens string', { model: 'm', messages: hello, max_completion_tokens: '10' }, { param: 'max_completion_tokens', code: 'invalid_type', message: /'max_completion_tokens'/ }],
    ['stream as a string', { model: 'm', messages: hello, stream: 'true' }, { param: 'stream', code: 'invalid_type', message: /expected a boolean, but got a string/ }],
    ['stream_options.include_usage wrong type', { model: 'm', messages: hello, stream_options: { include_usage: 'yes' } }, { param: 'stream_options.include_usage', code: 'invalid_type', message: /'stream_options\.include_usage'/ }],
    ['stop array with a number', { model: 'm', messages: hello, stop: ['a', 3] }, { param: 'stop[1]', code: 'invalid_type', message: /'stop\[1\]': expected a string, but got a number/ }],
    ['stop as a number', { model: 'm', messages: hello, stop: 3 }, { param: 'stop', code: 'invalid_type', message: /expected a string or an array/ }],
    [
      'tool call without function name',
      { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: {} }] }] },
      { param: 'messages[0].tool_calls[0].function.name', code: 'missing_required_parameter', message: /'messages\[0\]\.tool_calls\[0\]\.function\.name'/ },
    ],
    // The content rule (normalizeChatMessage's requireContent): only an assistant message
    // with tool calls may omit content.
    ['user message without content (the issue\'s case)', { model: 'm', messages: [{ role: 'user' }] }, { param: 'messages[0].content', code: 'missing_required_parameter', message: /^Missing required parameter: 'messages\[0\]\.content'\. Only an assistant message with 'tool_calls'/ }],
    ['user content null', { model: 'm', messages: [{ role: 'user', content: null }] }, { param: 'messages[0].content', code: 'invalid_type', message: /'messages\[0\]\.content': expected a string or an array of content parts, but got null/ }],
    ['user content []', { model: 'm', messages: [{ role: 'user', content: [] }] }, { param: 'messages[0].content', code: 'empty_array', message: /'messages\[0\]\.content': empty array/ }],
    ['system without content', { model: 'm', messages: [{ role: 'system' }, { role: 'user', content: 'Hi' }] }, { param: 'messages[0].content', code: 'missing_required_parameter', message: /'messages\[0\]\.content'/ }],
    ['system content []', { model: 'm', messages: [{ role: 'system', content: [] }, { role: 'user', content: 'Hi' }] }, { param: 'messages[0].content', code: 'empty_array', message: /empty array/ }],
    ['developer content null', { model: 'm', messages: [{ role: 'developer', content: null }, { role: 'user', content: 'Hi' }] }, { param: 'messages[0].content', code: 'invalid_type', message: /got null/ }],
    ['tool result without content', { model: 'm', messages: [{ role: 'user', content: 'Hi' }, { role: 'tool', tool_call_id: 'c' }] }, { param: 'messages[1].content', code: 'missing_required_parameter', message: /'messages\[1\]\.content'/ }],
    ['tool result content null', { model: 'm', messages: [{ role: 'user', content: 'Hi' }, { role: 'tool', tool_call_id: 'c', content: null }] }, { param: 'messages[1].content', code: 'invalid_type', message: /got null/ }],
    ['assistant without content or tool calls', { model: 'm', messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }, { role: 'assistant' }] }, { param: 'messages[2].content', code: 'missing_required_parameter', message: /'messages\[2\]\.content'/ }],
    ['assistant content null without tool calls', { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: null }] }, { param: 'messages[0].content', code: 'invalid_type', message: /got null\. Only an assistant message with 'tool_calls'/ }],
    ['assistant content [] without tool calls', { model: 'm', messages: [{ role: 'assistant', content: [] }] }, { param: 'messages[0].content', code: 'empty_array', message: /empty array/ }],
    ['assistant with tool_calls [] and no content', { model: 'm', messages: [{ role: 'assistant', tool_calls: [] }] }, { param: 'messages[0].content', code: 'missing_required_parameter', message: /'messages\[0\]\.content'/ }],
    ['legacy function result without content', { model: 'm', messages: [{ role: 'function', name: 'f' }] }, { param: 'messages[0].content', code: 'missing_required_parameter', message: /'messages\[0\]\.content'/ }],
    ['user with tool_calls still needs content', { model: 'm', messages: [{ role: 'user', tool_calls: [{ id: 'c', function: { name: 'f' } }] }] }, { param: 'messages[0].content', code: 'missing_required_parameter', message: /'messages\[0\]\.content'/ }],
    // Types of the other message fields the gateway reads.
    ['name not a string', { model: 'm', messages: [{ role: 'function', name: 7, content: 'r' }] }, { param: 'messages[0].name', code: 'invalid_type', message: /'messages\[0\]\.name': expected a string, but got a number/ }],
    ['tool_call_id not a string', { model: 'm', messages: [{ role: 'tool', tool_call_id: 1, content: 'r' }] }, { param: 'messages[0].tool_call_id', code: 'invalid_type', message: /'messages\[0\]\.tool_call_id'/ }],
    ['tool_calls not an array', { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: { id: 'c' } }] }, { param: 'messages[0].tool_calls', code: 'invalid_type', message: /'messages\[0\]\.tool_calls': expected an array, but got an object/ }],
    ['tool call id not a string', { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 5, function: { name: 'f' } }] }] }, { param: 'messages[0].tool_calls[0].id', code: 'invalid_type', message: /'messages\[0\]\.tool_calls\[0\]\.id'/ }],
    ['tool call function not an object', { model: 'm', messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', function: 'f' }] }] }, { param: 'messages[0].tool_calls[0].function', code: 'invalid_type', message: /expected an object, but got a string/ }],
    ['function_call name not a string', { model: 'm', messages: [{ role: 'assistant', function_call: { name: null } }] }, { param: 'messages[0].function_call.name', code: 'invalid_type', message: /'messages\[0\]\.function_call\.name'/ }],
    ['content part type not a string', { model: 'm', messages: [{ role: 'user', content: [{ type: 1, text: 'a' }] }] }, { param: 'messages[0].content[0].type', code: 'invalid_type', message: /'messages\[0\]\.content\[0\]\.type'/ }],
    ['role not a string', { model: 'm', messages: [{ role: 1, content: 'a' }] }, { param: 'messages[0].role', code: 'invalid_type', message: /'messages\[0\]\.role': expected a string/ }],
    // Types and OpenAI's ranges of the request fields the gateway reads.
    ['n decimal', { model: 'm', messages: hello, n: 1.5 }, { param: 'n', code: 'invalid_type', message: /'n': expected an integer/ }],
    ['stream_options not an object', { model: 'm', messages: hello, stream: true, stream_options: true }, { param: 'stream_options', code: 'invalid_type', message: /'stream_options': expected an object, but got a boolean/ }],
    ['presence_penalty string', { model: 'm', messages: hello, presence_penalty: '1' }, { param: 'presence_penalty', code: 'invalid_type', message: /'presence_penalty'/ }],
    ['frequency_penalty array', { model: 'm', messages: hello, frequency_penalty: [1] }, { param: 'frequency_penalty', code: 'invalid_type', message: /'frequency_penalty': expected a number, but got an array/ }],
    ['temperature above 2', { model: 'm', messages: hello, temperature: 2.5 }, { param: 'temperature', code: 'invalid_value', message: /^Invalid 'temperature': 2\.5 is too large; expected a number <= 2\.$/ }],
    ['temperature below 0', { model: 'm', messages: hello, temperature: -0.1 }, { param: 'temperature', code: 'invalid_value', message: /'temperature': -0\.1 is too small; expected a number >= 0/ }],
    ['top_p above 1', { model: 'm', messages: hello, top_p: 1.5 }, { param: 'top_p', code: 'invalid_value', message: /<= 1/ }],
    ['presence_penalty above 2', { model: 'm', messages: hello, presence_penalty: 3 }, { param: 'presence_penalty', code: 'invalid_value', message: /<= 2/ }],
    ['frequency_penalty below -2', { model: 'm', messages: hello, frequency_penalty: -2.5 }, { param: 'frequency_penalty', code: 'invalid_value', message: />= -2/ }],
    [
      'only a formatting hint left',
      { model: 'm', messages: [{ role: 'developer', content: 'Formatting re-enabled' }] },
      { param: 'messages', code: 'empty_array', message: /no message left/ },
    ],
  ])('%s', (_name, body, failure) => {
    const error = parseError(body);
    expect({
      status: error.status,
      type: error.type,
      param: error.param,
      code: error.code,
      retryable: error.retryable,
    }).toEqual({ status: 400, type: 'invalid_request_error', param: failure.param, code: failure.code, retryable: false });
    expect(error.message).toMatch(failure.message);
  });

  it('checks the content rule in message order, after the roles before it', () => {
    const error = parseError({ model: 'm', messages: [{ role: 'user', content: 'a' }, { role: 'assistant' }, { role: 'robot', content: 'x' }] });
    expect(error.param).toBe('messages[1].content');
  });

  it('reports the first problem in document order', () => {
    const error = parseError({
      model: 'm',
      messages: [
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] },
        { role: 'robot', content: 'x' },
      ],
    });
    expect(error.param).toBe('messages[0].content[0]');
  });
});

/** A `tools` entry as clients send it. */
function tool(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'function', function: { name, ...extra } };
}

const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const twoTools = [tool('get_weather', { description: 'Weather of a city.', parameters: weatherSchema }), tool('get_time')];
/** The ToolDefinitions of twoTools. */
const weatherDefinition = { name: 'get_weather', description: 'Weather of a city.', parameters: weatherSchema };
const timeDefinition = { name: 'get_time', parameters: { type: 'object', properties: {} } };

describe('parseChatRequest: tools (docs/tool-calls.md)', () => {
  it.each<[string, Record<string, unknown>, Partial<ChatRequest>]>([
    [
      'tools with the default choice: auto, parallel; a tool without parameters gets an empty object schema',
      { tools: twoTools },
      { tools: { tools: [weatherDefinition, timeDefinition], choice: { mode: 'auto' }, parallel: true } },
    ],
    [
      'strict and a null description',
      { tools: [tool('f', { description: null, parameters: weatherSchema, strict: true })] },
      { tools: { tools: [{ name: 'f', parameters: weatherSchema, strict: true }], choice: { mode: 'auto' }, parallel: true } },
    ],
    ['tool entry without type', { tools: [{ function: { name: 'get_time' } }] }, { tools: { tools: [timeDefinition], choice: { mode: 'auto' }, parallel: true } }],
    [
      'tool_choice required, parallel_tool_calls false',
      { tools: twoTools, tool_choice: 'required', parallel_tool_calls: false },
      { tools: { tools: [weatherDefinition, timeDefinition], choice: { mode: 'required' }, parallel: false } },
    ],
    [
      'a named function keeps the whole catalogue',
      { tools: twoTools, tool_choice: { type: 'function', function: { name: 'get_time' } } },
      { tools: { tools: [weatherDefinition, timeDefinition], choice: { mode: 'function', name: 'get_time' }, parallel: true } },
    ],
    [
      'allowed_tools cuts the list (in the order of tools) and sets the mode',
      {
        tools: [...twoTools, tool('ping')],
        tool_choice: {
          type: 'allowed_tools',
          allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'ping' } }, { type: 'function', function: { name: 'get_weather' } }] },
        },
      },
      { tools: { tools: [weatherDefinition, { name: 'ping', parameters: { type: 'object', properties: {} } }], choice: { mode: 'required' }, parallel: true } },
    ],
    [
      'allowed_tools in mode auto',
      { tools: twoTools, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_time' } }] } } },
      { tools: { tools: [timeDefinition], choice: { mode: 'auto' }, parallel: true } },
    ],
    ['tool_choice none: no tools', { tools: twoTools, tool_choice: 'none', parallel_tool_calls: false }, {}],
    [
      'legacy functions, without function_call: auto',
      { functions: [{ name: 'get_weather', description: 'Weather of a city.', parameters: weatherSchema }] },
      { tools: { tools: [weatherDefinition], choice: { mode: 'auto' }, parallel: true } },
    ],
    [
      'legacy function_call naming a function',
      { functions: [{ name: 'get_time' }], function_call: { name: 'get_time' } },
      { tools: { tools: [timeDefinition], choice: { mode: 'function', name: 'get_time' }, parallel: true } },
    ],
    ['legacy function_call none', { functions: [{ name: 'get_time' }], function_call: 'none' }, {}],
    [
      'tools and functions together; tool_choice wins over function_call',
      { tools: [twoTools[0]], functions: [{ name: 'get_time' }], function_call: 'none', tool_choice: 'required' },
      { tools: { tools: [weatherDefinition, timeDefinition], choice: { mode: 'required' }, parallel: true } },
    ],
    [
      'response_format json_schema: name, schema, strict',
      { response_format: { type: 'json_schema', json_schema: { name: 'city', schema: weatherSchema, strict: true } } },
      { responseFormat: { type: 'json_schema', name: 'city', schema: weatherSchema, strict: true } },
    ],
    [
      'response_format json_schema without name or strict',
      { response_format: { type: 'json_schema', json_schema: { schema: weatherSchema } } },
      { responseFormat: { type: 'json_schema', name: 'response', schema: weatherSchema, strict: false } },
    ],
    [
      'response_format and tools together',
      { tools: [twoTools[1]], response_format: { type: 'json_object' } },
      { tools: { tools: [timeDefinition], choice: { mode: 'auto' }, parallel: true }, responseFormat: { type: 'json_object' } },
    ],
  ])('%s', (_name, fields, overrides) => {
    expect(parseChatRequest({ model: 'gpt-4.1', messages: hello, ...fields })).toEqual(expected(overrides));
  });

  it('a request with the tool fields absent has no tools or responseFormat keys at all', () => {
    const request = parseChatRequest({ model: 'gpt-4.1', messages: hello, tools: [], tool_choice: 'auto', response_format: null });
    expect(Object.keys(request)).toEqual(Object.keys(expected()));
  });

  /** A Roo-Code-like history: two calls, their two results, then the user again. */
  const toolHistory = [
    { role: 'system', content: 'You are Roo.' },
    { role: 'user', content: 'Weather and time in Suzhou?' },
    {
      role: 'assistant',
      content: '',
      tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Suzhou"}' } },
        { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
    { role: 'tool', tool_call_id: 'call_b', content: '12:00' },
    { role: 'user', content: 'Thanks.' },
  ];

  it('accepts tool results that answer earlier calls, and keeps the messages as before', () => {
    const withTools = parseChatRequest({ model: 'gpt-4.1', messages: toolHistory, tools: twoTools });
    const withoutTools = parseChatRequest({ model: 'gpt-4.1', messages: toolHistory });
    expect(withTools.tools?.tools.map((definition) => definition.name)).toEqual(['get_weather', 'get_time']);
    expect(withTools.messages).toEqual(withoutTools.messages);
    expect(withTools.messages[3]).toEqual({ role: 'tool', content: 'sunny', toolCallId: 'call_a' });
  });

  it.each<[string, Record<string, unknown>]>([
    ['without tools', {}],
    ['with tool_choice none', { tools: twoTools, tool_choice: 'none' }],
  ])('does not check tool results %s (the request is passed on as it is)', (_name, fields) => {
    const messages = [{ role: 'user', content: 'Hi' }, { role: 'tool', tool_call_id: 'call_unknown', content: 'x' }, { role: 'tool', content: 'y' }];
    expect(parseChatRequest({ model: 'gpt-4.1', messages, ...fields }).messages).toEqual([
      { role: 'user', content: 'Hi' },
      { role: 'tool', content: 'x', toolCallId: 'call_unknown' },
      { role: 'tool', content: 'y' },
    ]);
  });

  it('legacy function results carry their name and need no id', () => {
    const messages = [
      { role: 'user', content: 'Time?' },
      { role: 'assistant', content: null, function_call: { name: 'get_time', arguments: '{}' } },
      { role: 'function', name: 'get_time', content: '12:00' },
    ];
    const request = parseChatRequest({ model: 'gpt-4.1', messages, functions: [{ name: 'get_time' }] });
    expect(request.messages[2]).toEqual({ role: 'tool', content: '12:00', name: 'get_time' });
  });

  const longName = 'a'.repeat(65);
  it.each<[string, Record<string, unknown>, { param: string; code: string; message: RegExp }]>([
    [
      'a named tool_choice not among the tools',
      { tools: twoTools, tool_choice: { type: 'function', function: { name: 'get_news' } } },
      { param: 'tool_choice', code: 'invalid_value', message: /'get_news' is not among the tools of this request \('get_weather', 'get_time'\)/ },
    ],
    [
      'a named tool_choice without tools',
      { tool_choice: { type: 'function', function: { name: 'get_news' } } },
      { param: 'tool_choice', code: 'invalid_value', message: /'get_news' is not among the tools of this request \(it has none\)/ },
    ],
    [
      'a legacy function_call naming an unknown function',
      { functions: [{ name: 'get_time' }], function_call: { name: 'get_news' } },
      { param: 'function_call', code: 'invalid_value', message: /'get_news' is not among the tools/ },
    ],
    [
      'allowed_tools naming an unknown tool',
      {
        tools: twoTools,
        tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'get_time' } }, { type: 'function', function: { name: 'nope' } }] } },
      },
      { param: 'tool_choice.allowed_tools.tools[1].function.name', code: 'invalid_value', message: /'nope' is not among the tools/ },
    ],
    [
      'allowed_tools with no tools',
      { tools: twoTools, tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } } },
      { param: 'tool_choice.allowed_tools.tools', code: 'empty_array', message: /empty array/ },
    ],
    ['duplicate tool names', { tools: [tool('f'), tool('g'), tool('f')] }, { param: 'tools[2].function.name', code: 'invalid_value', message: /'f' is given twice \(also at 'tools\[0\]\.function\.name'\)/ }],
    ['a function in both tools and functions', { tools: [tool('f')], functions: [{ name: 'f' }] }, { param: 'functions[0].name', code: 'invalid_value', message: /given twice/ }],
    ['a tool name with a space', { tools: [tool('get weather')] }, { param: 'tools[0].function.name', code: 'invalid_value', message: /"get weather" is not a valid function name\. Use 1 to 64 letters/ }],
    ['a tool name with a dot', { tools: [tool('ok'), tool('mcp.search')] }, { param: 'tools[1].function.name', code: 'invalid_value', message: /"mcp\.search"/ }],
    ['an empty tool name', { tools: [tool('')] }, { param: 'tools[0].function.name', code: 'invalid_value', message: /"" is not a valid function name/ }],
    ['a tool name of 65 characters', { tools: [tool(longName)] }, { param: 'tools[0].function.name', code: 'invalid_value', message: /not a valid function name/ }],
    ['a bad legacy function name', { functions: [{ name: 'a/b' }] }, { param: 'functions[0].name', code: 'invalid_value', message: /"a\/b"/ }],
    ['a bad name even with tool_choice none', { tools: [tool('a b')], tool_choice: 'none' }, { param: 'tools[0].function.name', code: 'invalid_value', message: /not a valid function name/ }],
    ['json_schema without schema', { response_format: { type: 'json_schema', json_schema: { name: 'x' } } }, { param: 'response_format.json_schema.schema', code: 'missing_required_parameter', message: /^Missing required parameter: 'response_format\.json_schema\.schema'\.$/ }],
    ['json_schema without json_schema', { response_format: { type: 'json_schema' } }, { param: 'response_format.json_schema', code: 'missing_required_parameter', message: /'response_format\.json_schema'/ }],
    ['an unknown response_format type', { response_format: { type: 'json' } }, { param: 'response_format.type', code: 'invalid_value', message: /'text' \| 'json_object' \| 'json_schema'/ }],
    ['tools not an array', { tools: 'none' }, { param: 'tools', code: 'invalid_type', message: /'tools': expected an array, but got a string/ }],
    ['a tool of another type', { tools: [{ type: 'custom', custom: { name: 'x' } }] }, { param: 'tools[0].type', code: 'invalid_value', message: /"function"/ }],
    ['a tool without function', { tools: [{ type: 'function' }] }, { param: 'tools[0].function', code: 'missing_required_parameter', message: /'tools\[0\]\.function'/ }],
    ['parameters that are not an object', { tools: [tool('f', { parameters: [] })] }, { param: 'tools[0].function.parameters', code: 'invalid_type', message: /expected an object, but got an array/ }],
    ['an unknown tool_choice string', { tools: twoTools, tool_choice: 'sometimes' }, { param: 'tool_choice', code: 'invalid_value', message: /"none", "auto", "required"/ }],
    ['a function tool_choice without function', { tools: twoTools, tool_choice: { type: 'function' } }, { param: 'tool_choice.function', code: 'missing_required_parameter', message: /'tool_choice\.function'/ }],
    ['parallel_tool_calls as a string', { tools: twoTools, parallel_tool_calls: 'yes' }, { param: 'parallel_tool_calls', code: 'invalid_type', message: /expected a boolean/ }],
  ])('%s', (_name, fields, failure) => {
    const error = parseError({ model: 'm', messages: hello, ...fields });
    expect({ status: error.status, type: error.type, param: error.param, code: error.code }).toEqual({
      status: 400,
      type: 'invalid_request_error',
      param: failure.param,
      code: failure.code,
    });
    expect(error.message).toMatch(failure.message);
  });

  it.each<[string, unknown[], { param: string; code: string; message: RegExp }]>([
    [
      'a tool result whose id matches no call',
      [...toolHistory.slice(0, 4), { role: 'tool', tool_call_id: 'call_x', content: '?' }],
      { param: 'messages[4].tool_call_id', code: 'invalid_value', message: /"call_x" matches no tool call of an earlier assistant message/ },
    ],
    [
      'a tool result before the call it answers',
      [{ role: 'user', content: 'Hi' }, { role: 'tool', tool_call_id: 'call_a', content: 'sunny' }, ...toolHistory.slice(2, 3)],
      { param: 'messages[1].tool_call_id', code: 'invalid_value', message: /"call_a" matches no tool call/ },
    ],
    [
      'a tool result without tool_call_id',
      [...toolHistory.slice(0, 3), { role: 'tool', content: 'sunny' }],
      { param: 'messages[3].tool_call_id', code: 'missing_required_parameter', message: /'messages\[3\]\.tool_call_id'/ },
    ],
    [
      'the index counts a dropped formatting hint',
      [{ role: 'developer', content: 'Formatting re-enabled' }, { role: 'user', content: 'Hi' }, { role: 'tool', tool_call_id: 'call_x', content: '?' }],
      { param: 'messages[2].tool_call_id', code: 'invalid_value', message: /"call_x"/ },
    ],
  ])('with tools, %s is a 400', (_name, messages, failure) => {
    const error = parseError({ model: 'm', messages, tools: twoTools });
    expect({ status: error.status, param: error.param, code: error.code }).toEqual({ status: 400, param: failure.param, code: failure.code });
    expect(error.message).toMatch(failure.message);
  });
});

describe('parseChatRequest: tool-call arguments nested past what JSON.stringify walks', () => {
  it('is a 400 naming the messages, not a crash', () => {
    let deep: unknown = {};
    for (let level = 0; level < 20_000; level += 1) deep = { a: deep };
    const body = {
      model: 'gpt-4.1',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: deep } }] },
      ],
    };
    let caught: unknown;
    try {
      parseChatRequest(body);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ status: 400, type: 'invalid_request_error' });
  });
});
