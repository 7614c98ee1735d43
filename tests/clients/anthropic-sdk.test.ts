import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedGateway, toolCallText, type SimulatedGateway } from './tool-test-kit';

/**
 * The real @anthropic-ai/sdk against `next start` of the gateway over the simulator: messages
 * (plain, streamed, with tools and tool results, with thinking) and count_tokens.
 */
const API_KEY = 'sk-test-anthropic-sdk-1';
let harness: SimulatedGateway;
let client: Anthropic;

beforeAll(async () => {
  harness = await startSimulatedGateway(API_KEY);
  // As Claude Code with ANTHROPIC_AUTH_TOKEN: a Bearer token, base URL without /v1.
  client = new Anthropic({ baseURL: harness.gateway.url, authToken: API_KEY, apiKey: null, maxRetries: 0 });
});
afterAll(async () => {
  await harness?.stop();
});
beforeEach(() => {
  harness.simulator.reset();
  harness.simulator.setScriptedReplies([]);
});

const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'The current weather in a city.',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('@anthropic-ai/sdk', () => {
  it('messages.create: one text block, end_turn, integer usage, the asked model echoed', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Greet me.\nSIM-REPLY: Hello there!' }],
    });
    expect(message.id).toMatch(/^msg_/);
    expect(message.model).toBe('claude-sonnet-4-5');
    expect(message.content).toEqual([{ type: 'text', text: 'Hello there!' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(Number.isInteger(message.usage.input_tokens) && message.usage.input_tokens > 0).toBe(true);
    expect(Number.isInteger(message.usage.output_tokens) && message.usage.output_tokens > 0).toBe(true);
    await harness.noSessionsLeft();
  });

  it('messages.stream().finalMessage(): the text streamed piece by piece', async () => {
    const texts: string[] = [];
    const stream = client.messages.stream({
      model: 'claude-3-7-sonnet-20250219',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Count.\nSIM-REPLY: One, two, three, four, five.' }],
    });
    stream.on('text', (text) => texts.push(text));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: 'One, two, three, four, five.' }]);
    expect(texts.join('')).toBe('One, two, three, four, five.');
    expect(texts.length).toBeGreaterThan(1);
    expect(message.stop_reason).toBe('end_turn');
    await harness.noSessionsLeft();
  });

  it('tools: a scripted call as a tool_use block (streamed and not), then a tool_result follow-up answered in text', async () => {
    const question = 'What is the weather in Paris?';
    const call = toolCallText([{ name: 'get_weather', arguments: { city: 'Paris' } }], { before: 'Let me check.\n' });
    harness.simulator.setScriptedReplies([{ match: question, reply: call, times: 2 }]);
    const request = { model: 'claude-sonnet-4-5', max_tokens: 512, tools: [weatherTool], messages: [{ role: 'user' as const, content: question }] };

    const first = await client.messages.create(request);
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content[0]).toEqual({ type: 'text', text: expect.stringContaining('Let me check.') });
    const toolUse = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(toolUse).toEqual({ type: 'tool_use', id: expect.stringMatching(/^toolu_[A-Za-z0-9]{24}$/), name: 'get_weather', input: { city: 'Paris' } });

    const streamed = await client.messages.stream(request).finalMessage();
    const streamedUse = streamed.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(streamedUse?.input).toEqual({ city: 'Paris' });
    expect(streamed.stop_reason).toBe('tool_use');

    const followUp = await client.messages.create({
      ...request,
      messages: [
        ...request.messages,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse!.id, content: 'Sunny, 22 °C.\nSIM-REPLY: It is sunny in Paris.' }] },
      ],
    });
    expect(followUp.content).toEqual([{ type: 'text', text: 'It is sunny in Paris.' }]);
    expect(followUp.stop_reason).toBe('end_turn');
    // The result reached the model paired with its call, under the pipeline's call_ id.
    const callId = toolUse!.id.replace(/^toolu_/, 'call_');
    expect(harness.simulator.state().recentPrompts.at(-1)).toContain(`<tool_result name="get_weather" call_id="${callId}">`);
    await harness.noSessionsLeft();
  });

  it('thinking with DeepSeek-R1: a signed thinking block, then the text', async () => {
    const thinking: string[] = [];
    const stream = client.messages.stream({ model: 'DeepSeek-R1', max_tokens: 512, messages: [{ role: 'user', content: 'Think.\nSIM-REPLY: Done thinking.' }] });
    stream.on('thinking', (delta) => thinking.push(delta));
    const message = await stream.finalMessage();
    expect(message.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    const block = message.content[0] as Anthropic.ThinkingBlock;
    expect(block.thinking.length).toBeGreaterThan(0);
    expect(thinking.join('')).toBe(block.thinking);
    expect(block.signature.length).toBeGreaterThan(0);
    expect(message.content[1]).toEqual({ type: 'text', text: 'Done thinking.' });

    const plain = await client.messages.create({ model: 'DeepSeek-R1', max_tokens: 512, messages: [{ role: 'user', content: 'Think.\nSIM-REPLY: Done thinking.' }] });
    expect(plain.content.map((part) => part.type)).toEqual(['thinking', 'text']);
    expect((plain.content[0] as Anthropic.ThinkingBlock).signature).toBe(block.signature);
    await harness.noSessionsLeft();
  });

  it('messages.countTokens: an integer, with no upstream call', async () => {
    const counted = await client.messages.countTokens({ model: 'claude-sonnet-4-5', tools: [weatherTool], messages: [{ role: 'user', content: 'What is the weather in Paris?' }] });
    expect(Number.isInteger(counted.input_tokens)).toBe(true);
    expect(counted.input_tokens).toBeGreaterThan(20);
    expect(harness.simulator.state().calls.completions).toBe(0);
  });

  it('an error in Anthropic’s shape reaches the SDK as its typed error', async () => {
    const failure = await client.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }] }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    expect((failure as InstanceType<typeof Anthropic.BadRequestError>).error).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: expect.stringContaining('image') } });
    expect(harness.simulator.state().calls.completions).toBe(0);
  });
});
