import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/**
 * A request OpenAI would refuse — a message without the content it needs, a wrongly typed
 * or out-of-range field the gateway reads — gets OpenAI's 400 naming the field, and XIPU
 * never hears of it: the simulator's call counters do not move. The same shapes real
 * clients send (tool-call turns with "" or null content, part arrays, `tools: []`, unknown
 * fields) still reach it.
 */
let gateway: GatewayHarness;
beforeAll(async () => {
  gateway = await startGatewayHarness();
});
afterAll(async () => {
  await gateway.close();
});

const upstreamCalls = () => ({ ...gateway.simulator.state().calls });
const toolCall = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Suzhou"}' } };

describe('requests OpenAI refuses', () => {
  it.each<[string, unknown[], Record<string, unknown>, { param: string; code: string }]>([
    ['a user message without content (the reported case)', [{ role: 'user' }], {}, { param: 'messages[0].content', code: 'missing_required_parameter' }],
    ['a user message with content null', [{ role: 'user', content: null }], {}, { param: 'messages[0].content', code: 'invalid_type' }],
    ['a user message with content []', [{ role: 'user', content: [] }], {}, { param: 'messages[0].content', code: 'empty_array' }],
    ['a system message without content', [{ role: 'system' }, { role: 'user', content: 'Hi' }], {}, { param: 'messages[0].content', code: 'missing_required_parameter' }],
    ['a tool result with content null', [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: null, tool_calls: [toolCall] }, { role: 'tool', tool_call_id: 'call_1', content: null }], {}, { param: 'messages[2].content', code: 'invalid_type' }],
    ['an assistant message without content or tool calls', [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: null }, { role: 'user', content: 'Again' }], {}, { param: 'messages[1].content', code: 'invalid_type' }],
    ['an assistant message with tool_calls [] and no content', [{ role: 'user', content: 'Hi' }, { role: 'assistant', tool_calls: [] }], {}, { param: 'messages[1].content', code: 'missing_required_parameter' }],
    ['a tool call without a function name', [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: {} }] }], {}, { param: 'messages[0].tool_calls[0].function.name', code: 'missing_required_parameter' }],
    ['a message name that is not a string', [{ role: 'user', name: 42, content: 'Hi' }], {}, { param: 'messages[0].name', code: 'invalid_type' }],
    ['stream as a string', [{ role: 'user', content: 'Hi' }], { stream: 'true' }, { param: 'stream', code: 'invalid_type' }],
    ['max_tokens as a string', [{ role: 'user', content: 'Hi' }], { max_tokens: '100' }, { param: 'max_tokens', code: 'invalid_type' }],
    ['stream_options.include_usage as a string', [{ role: 'user', content: 'Hi' }], { stream: true, stream_options: { include_usage: 'yes' } }, { param: 'stream_options.include_usage', code: 'invalid_type' }],
    ['stop with a number in it', [{ role: 'user', content: 'Hi' }], { stop: ['END', 3] }, { param: 'stop[1]', code: 'invalid_type' }],
    ['temperature above 2', [{ role: 'user', content: 'Hi' }], { temperature: 3 }, { param: 'temperature', code: 'invalid_value' }],
    ['top_p above 1', [{ role: 'user', content: 'Hi' }], { top_p: 1.2 }, { param: 'top_p', code: 'invalid_value' }],
  ])('%s → 400 naming the field, no upstream call', async (_label, messages, fields, expected) => {
    const before = upstreamCalls();
    for (const stream of [false, true]) {
      const response = await gateway.chat({ model: 'gpt-4.1', stream, ...fields, messages });
      // Read the whole answer and run its cleanup first, so a wrongly accepted request
      // cannot leak upstream calls into the next case.
      const text = await response.text();
      await gateway.settle();
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('x-should-retry')).toBe('false');
      const body = JSON.parse(text);
      expect(Object.keys(body)).toEqual(['error']);
      expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect(body.error).toMatchObject({ type: 'invalid_request_error', param: expected.param, code: expected.code });
      expect(body.error.message).toContain(`'${expected.param}'`);
    }
    expect(upstreamCalls()).toEqual(before);
  });
});

describe('shapes real clients send still reach XIPU', () => {
  it.each<[string, unknown[], Record<string, unknown>]>([
    [
      'an assistant tool-call turn with content "" (LangChain, AI SDK), then its result',
      [{ role: 'user', content: 'Weather?' }, { role: 'assistant', content: '', tool_calls: [toolCall] }, { role: 'tool', tool_call_id: 'call_1', content: 'sunny' }, { role: 'user', content: 'SIM-REPLY: ok' }],
      {},
    ],
    [
      'an assistant tool-call turn with content null (openai-node) and one without content',
      [{ role: 'user', content: 'Weather?' }, { role: 'assistant', content: null, tool_calls: [toolCall] }, { role: 'tool', tool_call_id: 'call_1', content: 'sunny' }, { role: 'assistant', tool_calls: [toolCall] }, { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'still sunny' }] }, { role: 'user', content: 'SIM-REPLY: ok' }],
      {},
    ],
    [
      'a system message as a part array, empty user text before the real one',
      [{ role: 'system', content: [{ type: 'text', text: 'Be brief.' }] }, { role: 'user', content: '' }, { role: 'user', content: 'SIM-REPLY: ok' }],
      {},
    ],
    [
      'tools: [] with tool_choice and unknown fields (client-compat §10)',
      [{ role: 'user', content: 'SIM-REPLY: ok' }],
      { tools: [], tool_choice: 'none', parallel_tool_calls: false, reasoning_effort: 'low', temperature: 2, top_p: 0 },
    ],
  ])('%s → 200 with three upstream calls', async (_label, messages, fields) => {
    const before = upstreamCalls();
    const response = await gateway.chat({ model: 'gpt-4.1', ...fields, messages });
    expect(response.status).toBe(200);
    expect((await response.json()).choices[0].message.content).toBe('ok');
    await gateway.settle();
    const after = upstreamCalls();
    expect({ saveSession: after.saveSession - before.saveSession, completions: after.completions - before.completions, delSession: after.delSession - before.delSession }).toEqual({
      saveSession: 1,
      completions: 1,
      delSession: 1,
    });
  });
});
