import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CALL_ID, startSimulatedGateway, toolCallText, type SimulatedGateway } from './tool-test-kit';

/**
 * The AI SDK's default OpenAI provider, `createOpenAI({ baseURL, apiKey })(modelId)`, which
 * speaks the Responses API, against a real `next start` of the gateway over the simulator.
 */

const API_KEY = 'sk-test-ai-sdk-responses-1';
let harness: SimulatedGateway;
let openai: ReturnType<typeof createOpenAI>;

beforeAll(async () => {
  harness = await startSimulatedGateway(API_KEY);
  openai = createOpenAI({ baseURL: harness.baseUrl, apiKey: API_KEY });
});
afterAll(async () => {
  await harness?.stop();
});

const weather = (executed: unknown[]) =>
  tool({
    description: 'The forecast for a city.',
    inputSchema: z.object({ city: z.string() }),
    execute: async (input) => {
      executed.push(input);
      return 'Rain until noon, 14 °C';
    },
  });

describe('AI SDK default provider (Responses API)', () => {
  it('generateText answers with text, a finish reason and usage', async () => {
    const result = await generateText({ model: openai('gpt-4.1'), system: 'Answer briefly.', prompt: 'SIM-REPLY: Hello from Responses', maxRetries: 0 });
    expect(result.text).toBe('Hello from Responses');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.response.id).toMatch(/^resp_/);
    await harness.noSessionsLeft();
  });

  it('streamText streams text deltas and DeepSeek-R1 reasoning', async () => {
    const result = streamText({ model: openai('DeepSeek-R1'), prompt: 'SIM-REPLY: streamed 流式', maxRetries: 0 });
    const types: string[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'error') throw part.error;
      types.push(part.type);
    }
    expect(await result.text).toBe('streamed 流式');
    expect((await result.reasoningText)?.length ?? 0).toBeGreaterThan(0);
    expect(types.indexOf('reasoning-delta')).toBeLessThan(types.indexOf('text-delta'));
    expect(await result.finishReason).toBe('stop');
    await harness.noSessionsLeft();
  });

  it('generateText runs a tool in step 1 and answers in step 2 (the default store: step 1’s text goes back as an item_reference)', async () => {
    const question = 'Should I take an umbrella in Paris?';
    harness.simulator.setScriptedReplies([
      { match: question, reply: toolCallText([{ name: 'get_weather', arguments: { city: 'Paris' } }], { before: 'Looking up Paris.\n' }), times: 1 },
      { match: '<tool_result name="get_weather"', reply: 'Yes, take an umbrella.' },
    ]);
    const executed: unknown[] = [];
    const result = await generateText({ model: openai('gpt-4.1'), prompt: question, tools: { get_weather: weather(executed) }, stopWhen: stepCountIs(2), maxRetries: 0 });
    expect(executed).toEqual([{ city: 'Paris' }]);
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.finishReason).toBe('tool-calls');
    expect(result.steps[0]?.toolCalls[0]?.toolCallId).toMatch(CALL_ID);
    expect(result.text).toBe('Yes, take an umbrella.');
    expect(result.steps[0]?.providerMetadata?.openai?.responseId).toMatch(/^resp_/);
    // The reference was resolved from the stored step 1: its text is in step 2's prompt.
    expect(harness.simulator.state().recentPrompts.at(-1)).toContain('Looking up Paris.');
    await harness.noSessionsLeft();
  });

  it('streamText runs a tool after text (the default store: the earlier text goes back as an item_reference)', async () => {
    const question = 'What should I wear in Oslo today?';
    harness.simulator.setScriptedReplies([
      { match: question, reply: toolCallText([{ name: 'get_weather', arguments: { city: 'Oslo' } }], { before: 'Checking the forecast.\n' }), times: 1 },
      { match: '<tool_result name="get_weather"', reply: 'A raincoat and a warm sweater.' },
    ]);
    const executed: unknown[] = [];
    const result = streamText({
      model: openai('gpt-4.1'),
      prompt: question,
      tools: { get_weather: weather(executed) },
      stopWhen: stepCountIs(2),
      maxRetries: 0,
    });
    const types: string[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'error') throw part.error;
      types.push(part.type);
    }
    expect(executed).toEqual([{ city: 'Oslo' }]);
    expect(types).toContain('tool-call');
    expect(types).toContain('tool-result');
    const steps = await result.steps;
    expect(steps).toHaveLength(2);
    expect(steps[0]?.text).toBe('Checking the forecast.\n');
    expect(steps[1]?.text).toBe('A raincoat and a warm sweater.');
    expect(harness.simulator.state().recentPrompts.at(-1)).toContain('Checking the forecast.');
    await harness.noSessionsLeft();
  });
});
