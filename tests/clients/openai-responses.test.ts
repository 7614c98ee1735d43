import { readFileSync } from 'node:fs';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALL_ID, startSimulatedGateway, toolCallText, type SimulatedGateway } from './tool-test-kit';

/**
 * The Responses API (`/v1/responses`) through the real openai-node SDK and a Codex CLI-shaped
 * request replay, against a real `next start` of the gateway over the simulator.
 */

const API_KEY = 'sk-test-openai-responses-1';
let harness: SimulatedGateway;
let client: OpenAI;

beforeAll(async () => {
  harness = await startSimulatedGateway(API_KEY);
  client = new OpenAI({ baseURL: harness.baseUrl, apiKey: API_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await harness?.stop();
});

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'The forecast for a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

describe('openai-node responses', () => {
  it('answers non-streaming responses.create() with a message item, output_text and integer usage', async () => {
    const response = await client.responses.create({ model: 'gpt-4.1', instructions: 'Answer briefly.', input: 'SIM-REPLY: not streamed 不流式' });
    expect(response.id).toMatch(/^resp_/);
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.output_text).toBe('not streamed 不流式');
    expect(response.output).toHaveLength(1);
    expect(response.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'not streamed 不流式' }] });
    expect(Number.isInteger(response.usage?.input_tokens)).toBe(true);
    expect(response.usage?.total_tokens).toBe((response.usage?.input_tokens ?? 0) + (response.usage?.output_tokens ?? 0));
    expect(response.usage?.output_tokens).toBeGreaterThan(0);
    await harness.noSessionsLeft();
  });

  it('streams responses.create({stream: true}) events with increasing sequence numbers', async () => {
    const stream = await client.responses.create({ model: 'gpt-4.1', input: [{ role: 'user', content: 'SIM-REPLY: Streaming the Responses API' }], stream: true });
    const events: Array<{ type: string; sequence_number: number; delta?: string }> = [];
    for await (const event of stream) events.push(event as never);
    expect(events[0]?.type).toBe('response.created');
    expect(events[1]?.type).toBe('response.in_progress');
    expect(events[events.length - 1]?.type).toBe('response.completed');
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));
    const text = events.filter((event) => event.type === 'response.output_text.delta').map((event) => event.delta).join('');
    expect(text).toBe('Streaming the Responses API');
    await harness.noSessionsLeft();
  });

  it('responses.stream().finalResponse() with DeepSeek-R1 gives a reasoning item, then the message', async () => {
    const stream = client.responses.stream({ model: 'DeepSeek-R1', input: 'SIM-REPLY: 42' });
    const summaryDeltas: string[] = [];
    stream.on('response.reasoning_summary_text.delta', (event) => summaryDeltas.push(event.delta));
    const response = await stream.finalResponse();
    expect(response.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    const reasoning = response.output[0];
    if (reasoning?.type !== 'reasoning') throw new Error('expected a reasoning item first');
    expect(reasoning.summary).toHaveLength(1);
    expect(reasoning.summary[0]?.type).toBe('summary_text');
    expect(reasoning.summary[0]?.text.length).toBeGreaterThan(0);
    expect(summaryDeltas.join('')).toBe(reasoning.summary[0]?.text);
    expect(response.output_text).toBe('42');
    await harness.noSessionsLeft();
  });

  it('responses.stream() with a function tool: a scripted call, then a follow-up with function_call_output', async () => {
    const question = 'What is the weather in Xi’an?';
    harness.simulator.setScriptedReplies([
      { match: question, reply: toolCallText([{ name: 'get_weather', arguments: { city: 'Xi’an' } }]), times: 1 },
      { match: '<tool_result name="get_weather"', reply: 'Sunny, 25 °C in Xi’an.' },
    ]);
    const first = await client.responses.stream({ model: 'gpt-4.1', input: question, tools: [weatherTool] }).finalResponse();
    const call = first.output.find((item) => item.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error(`expected a function_call item: ${JSON.stringify(first.output)}`);
    expect(call.call_id).toMatch(CALL_ID);
    expect(call.id).toMatch(/^fc_/);
    expect(call.name).toBe('get_weather');
    expect(JSON.parse(call.arguments)).toEqual({ city: 'Xi’an' });
    expect(first.status).toBe('completed');

    const second = await client.responses
      .stream({
        model: 'gpt-4.1',
        input: [{ role: 'user', content: question }, ...(first.output as OpenAI.Responses.ResponseInputItem[]), { type: 'function_call_output', call_id: call.call_id, output: 'sunny, 25' }],
        tools: [weatherTool],
      })
      .finalResponse();
    expect(second.output_text).toBe('Sunny, 25 °C in Xi’an.');
    await harness.noSessionsLeft();
  });

  it('answers bad input in OpenAI’s error shape, with no upstream call: an image, an unknown previous_response_id, an unknown stored id', async () => {
    const callsBefore = harness.simulator.state().calls;
    await expect(client.responses.create({ model: 'gpt-4.1', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://example.com/a.png', detail: 'auto' }] }] })).rejects.toMatchObject({
      status: 400,
      code: 'unsupported_content',
      param: 'input[0].content[0]',
    });
    await expect(client.responses.create({ model: 'gpt-4.1', input: 'Hi', previous_response_id: 'resp_123' })).rejects.toMatchObject({
      status: 404,
      code: 'previous_response_not_found',
      param: 'previous_response_id',
    });
    await expect(client.responses.retrieve('resp_123')).rejects.toMatchObject({ status: 404, code: 'response_not_found' });
    expect(harness.simulator.state().calls).toEqual(callsBefore);
  });
});

describe('openai-node stored responses', () => {
  it('responses.retrieve(id) returns what create() answered; previous_response_id continues it', async () => {
    harness.simulator.setScriptedReplies([{ match: 'My name is Ada.', reply: 'Hello Ada, noted.', times: 1 }]);
    const created = await client.responses.create({ model: 'gpt-4.1', input: 'My name is Ada.' });
    const retrieved = await client.responses.retrieve(created.id);
    expect(retrieved).toMatchObject({ id: created.id, status: 'completed', store: true, output: created.output });
    expect(retrieved.output_text).toBe('Hello Ada, noted.');

    const next = await client.responses.create({ model: 'gpt-4.1', input: 'What is my name?\nSIM-REPLY: Ada.', previous_response_id: created.id });
    expect(next.output_text).toBe('Ada.');
    expect(next.previous_response_id).toBe(created.id);
    const prompt = harness.simulator.state().recentPrompts.at(-1) ?? '';
    expect(prompt).toContain('My name is Ada.');
    expect(prompt).toContain('Hello Ada, noted.');
    await harness.noSessionsLeft();
  });
});

describe('a Codex CLI-shaped request (store: false, the whole history each turn)', () => {
  const body = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures', 'codex-responses-request.json'), 'utf8'));
  const patch = '*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\n';

  it('gets a scripted apply_patch back as a custom_tool_call whose input is the patch, every event in order', async () => {
    harness.simulator.setScriptedReplies([
      { match: 'Add a hello.txt file that says hello.', reply: toolCallText([{ name: 'apply_patch', arguments: { input: patch } }], { before: 'Adding the file.\n' }) },
    ]);
    const response = await fetch(`${harness.baseUrl}/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = parseEvents(await response.text());

    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_event, index) => index));
    expect(events[0]).toMatchObject({ type: 'response.created', response: { status: 'in_progress', output: [] } });
    expect(events[1]?.type).toBe('response.in_progress');
    const last = events[events.length - 1];
    expect(last?.type).toBe('response.completed');
    expect(events.filter((event) => event.type === 'response.completed')).toHaveLength(1);

    // Every item is added before its deltas and done after them, and never touched again.
    const added = new Map<string, number>();
    const done = new Set<string>();
    for (const event of events.slice(2, -1)) {
      const itemId: string | undefined = event.item?.id ?? event.item_id;
      if (itemId === undefined) throw new Error(`an event without its item: ${JSON.stringify(event)}`);
      if (event.type === 'response.output_item.added') {
        expect(added.has(itemId)).toBe(false);
        added.set(itemId, event.output_index);
        continue;
      }
      expect(added.has(itemId), `${event.type} before its item was added`).toBe(true);
      expect(done.has(itemId), `${event.type} after its item was done`).toBe(false);
      expect(event.output_index).toBe(added.get(itemId));
      if (event.type === 'response.output_item.done') done.add(itemId);
    }
    expect([...done].sort()).toEqual([...added.keys()].sort());

    const doneItems = events.filter((event) => event.type === 'response.output_item.done').map((event) => event.item);
    expect(doneItems.map((item) => item.type)).toEqual(['message', 'custom_tool_call']);
    expect(doneItems[0].content).toEqual([{ type: 'output_text', text: 'Adding the file.\n', annotations: [] }]);
    expect(doneItems[1]).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: patch, status: 'completed' });
    expect(doneItems[1].call_id).toMatch(CALL_ID);
    const inputDeltas = events.filter((event) => event.type === 'response.custom_tool_call_input.delta').map((event) => event.delta);
    expect(inputDeltas.join('')).toBe(patch);
    expect(events.some((event) => event.type.startsWith('response.function_call_arguments'))).toBe(false);

    expect(last?.response.output).toEqual(doneItems);
    expect(last?.response.id).toBe(events[0]?.response.id);
    const usage = last?.response.usage;
    expect(Number.isInteger(usage.input_tokens) && Number.isInteger(usage.output_tokens)).toBe(true);
    expect(usage.input_tokens).toBeGreaterThan(1000);
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);

    // The whole history reached the model: the earlier call and its output, folded.
    const prompt = harness.simulator.state().recentPrompts.at(-1) ?? '';
    expect(prompt).toContain('README.md\npackage.json');
    expect(prompt).toContain('You are Codex');
    expect(prompt).not.toContain('gAAAAABopaque');
    await harness.noSessionsLeft();
  });

  it('takes the next turn with the custom_tool_call and its output in the input', async () => {
    harness.simulator.setScriptedReplies([{ match: '<tool_result name="apply_patch"', reply: 'Created hello.txt.' }]);
    const next = {
      ...body,
      stream: false,
      input: [
        ...body.input,
        { type: 'custom_tool_call', status: 'completed', call_id: 'call_Ab12Cd34Ef56Gh78Ij90Kl12', name: 'apply_patch', input: patch },
        { type: 'custom_tool_call_output', call_id: 'call_Ab12Cd34Ef56Gh78Ij90Kl12', output: 'Success. Updated the following files:\nA hello.txt\n' },
      ],
    };
    const response = await client.responses.create(next as never);
    expect(response.output_text).toBe('Created hello.txt.');
    await harness.noSessionsLeft();
  });
});

function parseEvents(text: string): any[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '' && !block.startsWith(':'))
    .map((block) => {
      const lines = block.split('\n');
      const type = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length);
      const data = JSON.parse(lines.find((line) => line.startsWith('data: '))?.slice('data: '.length) ?? 'null');
      expect(data.type).toBe(type);
      return data;
    });
}
