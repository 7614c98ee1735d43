import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSseText, dataOf } from '../support/read-sse';
import { assembleStreamedCalls, CALL_ID, startSimulatedGateway, toolCallText, type SimulatedGateway } from './tool-test-kit';

/**
 * Emulated tool calls and structured output (docs/tool-calls.md) through the real openai-node
 * SDK and raw requests, against a real `next start` of the gateway over the simulator, whose
 * scripted replies play the model.
 */

const API_KEY = 'sk-test-openai-tools-1';
const FIXTURES = path.join(import.meta.dirname, 'fixtures');
let harness: SimulatedGateway;
let client: OpenAI;

beforeAll(async () => {
  harness = await startSimulatedGateway(API_KEY);
  client = new OpenAI({ baseURL: harness.baseUrl, apiKey: API_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await harness?.stop();
});
beforeEach(() => {
  harness.simulator.reset();
  harness.simulator.setScriptedReplies([]);
});

const weatherParameters = {
  type: 'object',
  properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  required: ['city'],
  additionalProperties: false,
};
const weatherTool: ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'The current weather in a city.', parameters: weatherParameters },
};
const timeTool: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_time',
    description: 'The local time in a time zone.',
    parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
  },
};

function postChat(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${harness.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('emulated tool calls through openai-node', () => {
  it('runs the runTools() loop: a call, the tool result folded into the next prompt, the final answer — two upstream chats', async () => {
    const question = 'What is the weather in Paris right now?';
    harness.simulator.setScriptedReplies([{ match: question, reply: toolCallText([{ name: 'get_weather', arguments: { city: 'Paris' } }]), times: 1 }]);
    const received: unknown[] = [];
    const runner = client.chat.completions.runTools({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: question }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'The current weather in a city.',
            parameters: weatherParameters,
            parse: JSON.parse,
            function: (args: unknown) => {
              received.push(args);
              // The folded result reaches the simulator, whose directive then sets the answer.
              return 'Sunny, 22 °C.\nSIM-REPLY: It is sunny in Paris.';
            },
          },
        },
      ],
    });

    expect(await runner.finalContent()).toBe('It is sunny in Paris.');
    expect(received).toEqual([{ city: 'Paris' }]);
    const completions = runner.allChatCompletions();
    expect(completions.map((completion) => completion.choices[0]?.finish_reason)).toEqual(['tool_calls', 'stop']);
    const call = completions[0]?.choices[0]?.message.tool_calls?.[0];
    expect(call?.id).toMatch(CALL_ID);
    const state = harness.simulator.state();
    expect(state.calls.completions).toBe(2);
    expect(state.sessionsCreated).toBe(2);
    // The second prompt carries the result under its tool's name and the call's id.
    expect(state.recentPrompts[1]).toContain(`<tool_result name="get_weather" call_id="${call?.id}">`);
    await harness.noSessionsLeft();
    expect(harness.simulator.state().sessionsDeleted).toBe(2);
  });

  it('streams two calls: indexes 0 and 1, call_ ids on the first deltas only, finish_reason tool_calls, no invented text', async () => {
    const question = 'Weather and time in Paris, please.';
    const calls = [
      { name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } },
      { name: 'get_time', arguments: { zone: 'Europe/Paris' } },
    ];
    harness.simulator.setScriptedReplies([
      { match: question, reply: toolCallText(calls, { before: 'Let me look both up.\n', after: '\n<tool_result name="get_weather">Sunny</tool_result>\nIt is sunny.' }) },
    ]);
    const response = await postChat({ model: 'gpt-4.1', messages: [{ role: 'user', content: question }], tools: [weatherTool, timeTool], stream: true });
    expect(response.status).toBe(200);
    const chunks = dataOf(parseSseText(await response.text()));

    const streamed = assembleStreamedCalls(chunks);
    expect(streamed.map((call) => call.index)).toEqual([0, 1]);
    expect(streamed.map((call) => call.name)).toEqual(['get_weather', 'get_time']);
    expect(streamed.map((call) => JSON.parse(call.arguments))).toEqual(calls.map((call) => call.arguments));
    for (const call of streamed) expect(call.id).toMatch(CALL_ID);
    expect(new Set(streamed.map((call) => call.id)).size).toBe(2);
    const content = chunks.map((chunk) => chunk.choices?.[0]?.delta?.content ?? '').join('');
    expect(content.trim()).toBe('Let me look both up.');
    const finishReasons = chunks.map((chunk) => chunk.choices?.[0]?.finish_reason).filter((reason) => reason !== null && reason !== undefined);
    expect(finishReasons).toEqual(['tool_calls']);
    expect(harness.simulator.state().calls.completions).toBe(1);
    await harness.noSessionsLeft();
  });

  it.each([
    ['no text before the call', '', null],
    ['text before the call', 'I will check the weather.\n', 'I will check the weather.'],
  ])('answers non-streaming with message.tool_calls (string arguments) and content null or the leading text: %s', async (_label, before, content) => {
    const question = `Is it raining in Suzhou? (${before === '' ? 'bare' : 'with prose'})`;
    harness.simulator.setScriptedReplies([{ match: question, reply: toolCallText([{ name: 'get_weather', arguments: { city: 'Suzhou' } }], { before }) }]);
    const completion = await client.chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: question }], tools: [weatherTool] });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content?.trim() ?? null).toBe(content);
    const calls = choice?.message.tool_calls ?? [];
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.type).toBe('function');
    expect(call.id).toMatch(CALL_ID);
    if (call.type !== 'function') throw new Error('not a function call');
    expect(call.function.name).toBe('get_weather');
    expect(typeof call.function.arguments).toBe('string');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Suzhou' });
    await harness.noSessionsLeft();
  });

  it('re-asks once when tool_choice is required and the first answer has no call: exactly two upstream chats', async () => {
    const question = 'Tell me the weather in Xi’an.';
    harness.simulator.setScriptedReplies([
      { match: question, reply: 'It is probably sunny in Xi’an.', times: 1 },
      { match: question, reply: toolCallText([{ name: 'get_weather', arguments: { city: 'Xi’an' } }]) },
    ]);
    const completion = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: question }],
      tools: [weatherTool],
      tool_choice: 'required',
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('no function call came back');
    expect(call.function.name).toBe('get_weather');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'Xi’an' });
    const state = harness.simulator.state();
    expect(state.calls.completions).toBe(2);
    expect(state.sessionsCreated).toBe(2);
    expect(state.scriptedReplies.map((script) => script.used)).toEqual([1, 1]);
    // The re-ask is a new prompt: it states the problem.
    expect(state.recentPrompts[1]).not.toBe(state.recentPrompts[0]);
    await harness.noSessionsLeft();
  });

  const cityWeatherSchema = {
    type: 'object',
    properties: { city: { type: 'string' }, temperature: { type: 'number' } },
    required: ['city', 'temperature'],
    additionalProperties: false,
  };
  const jsonSchemaFormat = { type: 'json_schema', json_schema: { name: 'city_weather', strict: true, schema: cityWeatherSchema } } as const;

  it('returns valid JSON content for response_format json_schema when the first answer wraps it in prose', async () => {
    const question = 'The weather in Paris as JSON.';
    harness.simulator.setScriptedReplies([
      { match: question, reply: 'Here is the JSON you asked for:\n```json\n{"city": "Paris", "temperature": 22}\n```\nHope this helps!' },
    ]);
    const body: ChatCompletionCreateParamsNonStreaming = { model: 'gpt-4.1', messages: [{ role: 'user', content: question }], response_format: jsonSchemaFormat };
    const completion = await client.chat.completions.create(body);
    const content = completion.choices[0]?.message.content ?? '';
    const parsed: unknown = JSON.parse(content);
    expect(parsed).toEqual({ city: 'Paris', temperature: 22 });
    expect(new Ajv({ strict: false }).validate(cityWeatherSchema, parsed)).toBe(true);
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    await harness.noSessionsLeft();
  });

  it('streams response_format json_schema content only once it validates, after one re-ask', async () => {
    const question = 'The weather in Rome as JSON.';
    harness.simulator.setScriptedReplies([
      { match: question, reply: '{"city": "Rome"}', times: 1 },
      { match: question, reply: '{"city": "Rome", "temperature": 25}' },
    ]);
    const response = await postChat({ model: 'gpt-4.1', messages: [{ role: 'user', content: question }], response_format: jsonSchemaFormat, stream: true });
    expect(response.status).toBe(200);
    const chunks = dataOf(parseSseText(await response.text()));
    const content = chunks.map((chunk) => chunk.choices?.[0]?.delta?.content ?? '').join('');
    expect(JSON.parse(content)).toEqual({ city: 'Rome', temperature: 25 });
    expect(harness.simulator.state().calls.completions).toBe(2);
    await harness.noSessionsLeft();
  });
});

describe('a request without tools reaches XIPU as today', () => {
  const request = JSON.parse(readFileSync(path.join(FIXTURES, 'plain-chat-request.json'), 'utf8')) as Record<string, unknown>;
  /** The prompt today's gateway (before tool emulation) sends for that request, recorded. */
  const recordedPrompt = readFileSync(path.join(FIXTURES, 'plain-chat-prompt.txt'), 'utf8');

  it('sends the recorded prompt byte for byte', async () => {
    const response = await postChat(request);
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { choices: Array<{ message: { content: string; tool_calls?: unknown } }> };
    expect(completion.choices[0]?.message.content).toBe('About 1 km², 校园很大.');
    expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
    expect(harness.simulator.state().recentPrompts).toEqual([recordedPrompt]);
    await harness.noSessionsLeft();
  });

  it('sends the same prompt when tools come with tool_choice "none"', async () => {
    const response = await postChat({ ...request, tools: [weatherTool], tool_choice: 'none' });
    expect(response.status).toBe(200);
    const completion = (await response.json()) as { choices: Array<{ message: { content: string }; finish_reason: string }> };
    expect(completion.choices[0]).toMatchObject({ message: { content: 'About 1 km², 校园很大.' }, finish_reason: 'stop' });
    expect(harness.simulator.state().recentPrompts).toEqual([recordedPrompt]);
    await harness.noSessionsLeft();
  });
});
