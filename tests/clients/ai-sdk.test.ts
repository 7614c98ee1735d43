import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { simulatedUpstreamEnvironment, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

/** The Vercel AI SDK (`@ai-sdk/openai-compatible`) against a real `next start` of the gateway. */
const API_KEY = 'sk-test-ai-sdk-12345';
let simulator: SimulatorHandle;
let gateway: GatewayProcess;
let provider: ReturnType<typeof createOpenAICompatible>;

beforeAll(async () => {
  simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1 });
  gateway = await startGatewayProcess(simulatedUpstreamEnvironment(simulator, { API_KEYS: API_KEY }));
  provider = createOpenAICompatible({ name: 'xipu', baseURL: `${gateway.url}/v1`, apiKey: API_KEY, includeUsage: true });
});
afterAll(async () => {
  await gateway?.stop();
  await simulator?.close();
});

describe('Vercel AI SDK', () => {
  it('streamText: text, a stop finish reason, usage, and no error part', async () => {
    const result = streamText({ model: provider('gpt-4.1'), prompt: 'SIM-REPLY: Hello from the AI SDK, 你好', maxRetries: 0 });
    const partTypes: string[] = [];
    let text = '';
    for await (const part of result.fullStream) {
      partTypes.push(part.type);
      if (part.type === 'text-delta') text += part.text;
      if (part.type === 'error') throw part.error;
    }
    expect(text).toBe('Hello from the AI SDK, 你好');
    expect(partTypes).not.toContain('error');
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  it('streamText: DeepSeek-R1 reasoning arrives as reasoning parts', async () => {
    const result = streamText({ model: provider('DeepSeek-R1'), prompt: 'SIM-REPLY: done thinking', maxRetries: 0 });
    let reasoning = '';
    let text = '';
    for await (const part of result.fullStream) {
      if (part.type === 'reasoning-delta') reasoning += part.text;
      if (part.type === 'text-delta') text += part.text;
      if (part.type === 'error') throw part.error;
    }
    expect(reasoning.length).toBeGreaterThan(0);
    expect(text).toBe('done thinking');
  });

  it('generateText: a whole answer', async () => {
    const result = await generateText({
      model: provider('claude-3-7-sonnet-20250219'),
      system: 'Be brief.',
      prompt: 'SIM-REPLY: generated',
      maxRetries: 0,
    });
    expect(result.text).toBe('generated');
    expect(result.finishReason).toBe('stop');
  });
});
