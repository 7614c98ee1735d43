import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { embeddings } from '@/lib/handlers/embeddings';
import { routeSet } from '@/lib/handlers/route-set';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '@/simulator/openai-compatible/start-openai-compatible-server';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';
import { createInProcessOpenAi } from '../support/in-process-openai';

/**
 * UPSTREAMS and the mock behind the gateway's routes, with the real openai-node SDK (its
 * requests handed to the route handlers in-process): two OpenAI-compatible servers serve one
 * model, XIPU (the simulator) the rest. Routing by model, native tools, failover before the
 * first byte and never after it, embeddings, and no XIPU call for any of it.
 */
let first: OpenAiCompatibleServer;
let second: OpenAiCompatibleServer;
let gateway: GatewayHarness;
let client: OpenAI;

beforeAll(async () => {
  first = await startOpenAiCompatibleServer({ models: ['llama'], apiKey: 'sk-first-upstream' });
  second = await startOpenAiCompatibleServer({ models: ['llama', 'embedder'] });
  gateway = await startGatewayHarness({
    environment: {
      MOCK_MODEL: 'true',
      UPSTREAMS: JSON.stringify([
        { id: 'first', baseUrl: first.url, apiKey: 'sk-first-upstream', models: ['llama'] },
        { id: 'second', baseUrl: second.url },
      ]),
    },
  });
  const embeddingRoutes = routeSet({ POST: embeddings }, gateway.routeOptions);
  client = createInProcessOpenAi({
    '/v1/chat/completions': gateway.routes.chat.POST,
    '/v1/models': gateway.routes.models.GET,
    '/v1/embeddings': embeddingRoutes.POST,
  });
});
afterEach(async () => {
  first.setFault(undefined);
  second.setFault(undefined);
  await gateway.settle();
});
afterAll(async () => {
  await gateway.close();
  await first.close();
  await second.close();
});

const xipuCalls = () => gateway.simulator.state().calls;
const chats = () => [first.counters.chat, second.counters.chat];

describe('UPSTREAMS and the mock', () => {
  it('/v1/models merges every source, owned_by its id', async () => {
    const models = await client.models.list();
    const owners = Object.fromEntries(models.data.map((model) => [model.id, model.owned_by]));
    expect(owners).toMatchObject({ mock: 'mock', llama: 'first', embedder: 'second' });
    expect(owners['gpt-4.1']).toMatch(/^xipu/);
  });

  it('streams an upstream model\'s answer through the SDK, with no XIPU call', async () => {
    const before = xipuCalls();
    const stream = await client.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'hi there' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Echo: hi there');
    expect(usage?.prompt_tokens).toBe('hi there'.length);
    expect(xipuCalls()).toEqual(before);
  });

  it('passes tools natively: the upstream gets them and its tool call reaches the client', async () => {
    const completion = await client.chat.completions.create({
      model: 'llama',
      messages: [{ role: 'user', content: 'weather in Suzhou' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      tool_choice: 'required',
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({ id: 'call_fake0', type: 'function', function: { name: 'get_weather', arguments: '{}' } });
    const sent = [...first.requests, ...second.requests].at(-1)!.body;
    expect(sent).toMatchObject({ tool_choice: 'required', tools: [{ type: 'function', function: { name: 'get_weather' } }] });
    // Native: no emulation prompt was added to the conversation.
    expect(sent.messages).toEqual([{ role: 'user', content: 'weather in Suzhou' }]);
  });

  it.each(['status-500', 'refuse'] as const)('fails over to the other upstream when one fails before the answer (%s)', async (fault) => {
    first.setFault(fault);
    second.setFault(fault);
    const failing = await client.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'x' }] }).catch((caught: unknown) => caught);
    expect(failing).toBeInstanceOf(OpenAI.APIError);
    second.setFault(undefined);
    const before = chats();
    const completion = await client.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'failover' }] });
    expect(completion.choices[0]?.message.content).toBe('Echo: failover');
    expect(chats()[1]).toBe(before[1]! + 1);
  });

  it('never switches after the first byte: a stream cut off mid-answer ends in an error', async () => {
    first.setFault('drop-mid-stream');
    second.setFault('drop-mid-stream');
    const before = chats();
    const stream = await client.chat.completions.create({ model: 'llama', messages: [{ role: 'user', content: 'a longer message to cut' }], stream: true });
    const consumed = (async () => {
      for await (const _chunk of stream) {
        // read until the error
      }
    })();
    await expect(consumed).rejects.toThrow();
    expect(chats()[0]! + chats()[1]! - before[0]! - before[1]!).toBe(1);
  });

  it('serves embeddings from the upstream that lists the model, and fails over between upstreams', async () => {
    // openai-node asks for base64 and decodes it: the gateway encodes the upstream's floats.
    const result = await client.embeddings.create({ model: 'embedder', input: ['ab', 'cd'] });
    expect(result.data.map((item) => item.embedding)).toEqual([
      [2, 0, 0.5],
      [2, 1, 0.5],
    ]);
    expect(result.model).toBe('embedder');
    first.setFault('status-500');
    const failedOver = await client.embeddings.create({ model: 'llama', input: 'abc' });
    expect(failedOver.data[0]?.embedding).toEqual([3, 0, 0.5]);
    const floats = await client.embeddings.create({ model: 'embedder', input: 'abc', encoding_format: 'float' });
    expect(floats.data[0]?.embedding).toEqual([3, 0, 0.5]);
    expect(second.requests.at(-1)?.body.encoding_format).toBeUndefined();
  });

  it('the mock answers at once, deterministically, with no call anywhere', async () => {
    const before = { xipu: xipuCalls(), upstream: chats() };
    const answer = async () => (await client.chat.completions.create({ model: 'mock', messages: [{ role: 'user', content: 'Is this thing on?' }] })).choices[0]?.message.content;
    const text = await answer();
    expect(text).toBe('This is the mock model (mock) of xipu-gateway: the gateway works. You said: "Is this thing on?"');
    expect(await answer()).toBe(text);
    const vectors = await client.embeddings.create({ model: 'mock', input: 'same' });
    expect(vectors.data[0]?.embedding).toHaveLength(8);
    expect((await client.embeddings.create({ model: 'mock', input: 'same' })).data[0]?.embedding).toEqual(vectors.data[0]?.embedding);
    expect({ xipu: xipuCalls(), upstream: chats() }).toEqual(before);
  });

  it('the mock calls a tool when the request forces one', async () => {
    const completion = await client.chat.completions.create({
      model: 'mock',
      messages: [{ role: 'user', content: 'go' }],
      tools: [{ type: 'function', function: { name: 'search', parameters: { type: 'object', properties: { query: { type: 'string' }, limit: { type: 'integer' } }, required: ['query', 'limit'] } } }],
      tool_choice: { type: 'function', function: { name: 'search' } },
    });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(JSON.parse(completion.choices[0]!.message.tool_calls![0]!.type === 'function' ? completion.choices[0]!.message.tool_calls![0]!.function.arguments : '')).toEqual({ query: '', limit: 0 });
  });
});
