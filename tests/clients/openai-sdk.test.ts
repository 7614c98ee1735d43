import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { simulatedUpstreamEnvironment, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import { waitForNoSessions } from '../support/wait-for-no-sessions';

/** The real openai-node SDK against a real `next start` of the gateway, over the simulator. */
const API_KEY = 'sk-test-openai-sdk-123';
let simulator: SimulatorHandle;
let gateway: GatewayProcess;
let client: OpenAI;

beforeAll(async () => {
  simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1 });
  gateway = await startGatewayProcess(simulatedUpstreamEnvironment(simulator, { API_KEYS: `tester:${API_KEY}`, RATE_LIMIT_RPM: '1000' }));
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.stop();
  await simulator?.close();
});

const noSessionsLeft = () => waitForNoSessions(simulator);

describe('openai-node', () => {
  it('streams: chat.completions.stream().finalChatCompletion() (throws on a missing role or finish reason)', async () => {
    const stream = client.chat.completions.stream({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'SIM-REPLY: Streaming through the SDK 流式' }],
      stream_options: { include_usage: true },
    });
    const deltas: string[] = [];
    stream.on('content', (delta) => deltas.push(delta));
    const completion = await stream.finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe('Streaming through the SDK 流式');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect(deltas.join('')).toBe('Streaming through the SDK 流式');
    await noSessionsLeft();
  });

  it('answers non-streaming create()', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [
        { role: 'developer', content: 'Answer briefly.' },
        { role: 'user', content: 'SIM-REPLY: not streamed' },
      ],
      max_completion_tokens: 100,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: 'not streamed' });
    await noSessionsLeft();
  });

  it('lists models and retrieves one whose id needs URL encoding', async () => {
    const models = await client.models.list();
    const ids = models.data.map((model) => model.id);
    expect(ids).toContain('gpt-4.1');
    expect(ids).toContain('DeepseekR1联网');
    const model = await client.models.retrieve('DeepseekR1联网');
    expect(model).toMatchObject({ id: 'DeepseekR1联网', object: 'model', owned_by: 'xipu' });
  });

  it('gets DeepSeek-R1 reasoning as reasoning_content chunks', async () => {
    const stream = await client.chat.completions.create({
      model: 'DeepSeek-R1',
      messages: [{ role: 'user', content: 'SIM-REPLY: 42' }],
      stream: true,
    });
    let reasoning = '';
    let content = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
      reasoning += delta?.reasoning_content ?? '';
      content += delta?.content ?? '';
    }
    expect(reasoning.length).toBeGreaterThan(0);
    expect(content).toBe('42');
    await noSessionsLeft();
  });

  it('raises typed errors: 401 for a wrong key, 404 for an unknown model', async () => {
    const stranger = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'sk-wrong-key-000', maxRetries: 0 });
    await expect(stranger.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await noSessionsLeft();
  });

  it('raises an APIError for a failure after streaming started', async () => {
    simulator.injectFaults({ endpoint: 'completions', kind: 'drop-mid-stream', afterPieces: 3 });
    const stream = client.chat.completions.stream({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'SIM-LONG: 50' }] });
    await expect(stream.finalChatCompletion()).rejects.toBeInstanceOf(OpenAI.APIError);
    await noSessionsLeft();
  });

  it('shows a content filter as a finish reason with a notice, never an empty success', async () => {
    const completion = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'tell me about forbiddenword' }],
    });
    expect(completion.choices[0]?.finish_reason).toBe('content_filter');
    expect(completion.choices[0]?.message.content).toMatch(/\[XIPU returned an empty answer/);
    await noSessionsLeft();
  });
});
