import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { simulatedUpstreamEnvironment, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import { waitForNoSessions } from '../support/wait-for-no-sessions';

/** The real openai-node SDK's legacy `completions` and `embeddings` against `next start`, over the simulator. */
const API_KEY = 'sk-test-openai-completions-123';
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

describe('openai-node completions.create', () => {
  it('answers non-streaming with one text_completion', async () => {
    const completion = await client.completions.create({ model: 'gpt-4.1', prompt: 'SIM-REPLY: A legacy answer 旧接口', max_tokens: 100 });
    expect(completion.object).toBe('text_completion');
    expect(completion.id).toMatch(/^cmpl-/);
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]).toMatchObject({ text: 'A legacy answer 旧接口', index: 0, logprobs: null, finish_reason: 'stop' });
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0));
    await noSessionsLeft();
  });

  it('streams text deltas, a finish reason and usage', async () => {
    const stream = await client.completions.create({
      model: 'gpt-4.1',
      prompt: ['SIM-REPLY: Streamed legacy text 流式'],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishReasons: string[] = [];
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe('text_completion');
      text += chunk.choices[0]?.text ?? '';
      const reason = chunk.choices[0]?.finish_reason;
      if (reason) finishReasons.push(reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Streamed legacy text 流式');
    expect(finishReasons).toEqual(['stop']);
    expect(usage?.prompt_tokens).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    await noSessionsLeft();
  });

  it('is served at the alias without /v1 too', async () => {
    const alias = new OpenAI({ baseURL: gateway.url, apiKey: API_KEY, maxRetries: 0 });
    const completion = await alias.completions.create({ model: 'gpt-4.1', prompt: 'SIM-REPLY: via the alias' });
    expect(completion.choices[0]?.text).toBe('via the alias');
    await noSessionsLeft();
  });

  it('raises BadRequestError naming the param for what it cannot serve, with no upstream call', async () => {
    const before = simulator.state().calls;
    for (const [extra, param] of [
      [{ n: 2 }, 'n'],
      [{ echo: true }, 'echo'],
      [{ suffix: '}' }, 'suffix'],
    ] as const) {
      const error = await client.completions.create({ model: 'gpt-4.1', prompt: 'hi', ...extra }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe(param);
    }
    expect(simulator.state().calls).toEqual(before);
  });
});

describe('openai-node embeddings.create', () => {
  it('400 for a XIPU chat model, 404 for an unknown one, with no upstream call', async () => {
    const before = simulator.state().calls;
    const chat = await client.embeddings.create({ model: 'gpt-4.1', input: 'hello' }).catch((caught: unknown) => caught);
    expect(chat).toBeInstanceOf(OpenAI.BadRequestError);
    expect((chat as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('model_not_supported');
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: ['a'] })).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    expect(simulator.state().calls).toEqual(before);
  });
});
