import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { stepCountIs, streamText, tool } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startSimulatedGateway, toolCallText, type SimulatedGateway } from './tool-test-kit';

/**
 * The Vercel AI SDK's tool loop (`streamText` with a `tool()` over several steps) through
 * `@ai-sdk/openai-compatible`, against a real `next start` of the gateway over the simulator.
 */

const API_KEY = 'sk-test-ai-sdk-tools-1';

describe('AI SDK streamText with tools', () => {
  let harness: SimulatedGateway;
  let provider: ReturnType<typeof createOpenAICompatible>;
  beforeAll(async () => {
    harness = await startSimulatedGateway(API_KEY);
    provider = createOpenAICompatible({ name: 'xipu', baseURL: harness.baseUrl, apiKey: API_KEY, includeUsage: true });
  });
  afterAll(async () => {
    await harness?.stop();
  });

  it('executes the tool in step 1 and streams the final text in step 2', async () => {
    const question = 'What should I wear in Paris today?';
    const forecast = 'Rain until noon, 14 °C';
    harness.simulator.setScriptedReplies([
      { match: question, reply: toolCallText([{ name: 'get_weather', arguments: { city: 'Paris' } }], { before: 'Checking the forecast.\n' }), times: 1 },
      // Step 2's prompt carries the folded result (docs/tool-calls.md "The prompt").
      { match: '<tool_result name="get_weather"', reply: 'Take an umbrella and a light jacket.' },
    ]);
    const executed: unknown[] = [];
    const result = streamText({
      model: provider('gpt-4.1'),
      prompt: question,
      tools: {
        get_weather: tool({
          description: 'The forecast for a city.',
          inputSchema: z.object({ city: z.string() }),
          execute: async (input) => {
            executed.push(input);
            return forecast;
          },
        }),
      },
      stopWhen: stepCountIs(2),
      maxRetries: 0,
    });

    const partTypes: string[] = [];
    for await (const part of result.fullStream) {
      partTypes.push(part.type);
      if (part.type === 'error') throw part.error;
    }
    expect(executed).toEqual([{ city: 'Paris' }]);
    expect(partTypes).toContain('tool-call');
    expect(partTypes).toContain('tool-result');
    const steps = await result.steps;
    expect(steps).toHaveLength(2);
    expect(steps[0]?.finishReason).toBe('tool-calls');
    expect(steps[0]?.toolCalls.map((call) => [call.toolName, call.input])).toEqual([['get_weather', { city: 'Paris' }]]);
    expect(steps[1]?.text).toBe('Take an umbrella and a light jacket.');
    expect(await result.finishReason).toBe('stop');

    const state = harness.simulator.state();
    expect(state.calls.completions).toBe(2);
    expect(state.recentPrompts[1]).toContain(forecast);
    await harness.noSessionsLeft();
  });
});
