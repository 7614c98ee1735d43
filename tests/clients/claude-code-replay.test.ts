import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectWellFormedStream, parseAnthropicSse } from './anthropic-event-order';
import { startSimulatedGateway, toolCallText, type SimulatedGateway } from './tool-test-kit';

/**
 * Claude Code-shaped traffic, replayed raw against `next start` over the simulator, as the
 * README's "Claude Code" setup sends it (ANTHROPIC_BASE_URL = the host, ANTHROPIC_AUTH_TOKEN
 * = a key, so a Bearer token; `?beta=true`; `anthropic-version` and `anthropic-beta`): the
 * main turn (a large system prompt in cached blocks, 15 tools, tool history with Anthropic's
 * own `toolu_01…` ids) checked event by event, then its Haiku background calls.
 */
const API_KEY = 'sk-test-claude-code-1';
let harness: SimulatedGateway;

beforeAll(async () => {
  harness = await startSimulatedGateway(API_KEY);
});
afterAll(async () => {
  await harness?.stop();
});
beforeEach(() => {
  harness.simulator.reset();
  harness.simulator.setScriptedReplies([]);
});

const TOOL_NAMES = ['Task', 'Bash', 'Glob', 'Grep', 'LS', 'ExitPlanMode', 'Read', 'Edit', 'MultiEdit', 'Write', 'NotebookEdit', 'WebFetch', 'TodoWrite', 'WebSearch', 'BashOutput'];
const tools = TOOL_NAMES.map((name) => ({
  name,
  description: `${name}: ${'Use this tool when the task needs it. '.repeat(20)}`,
  input_schema: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { path: { type: 'string', description: 'An absolute path' }, command: { type: 'string' }, limit: { type: 'number' } },
    additionalProperties: false,
  },
}));
const system = [
  { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: 'ephemeral' } },
  { type: 'text', text: `You are an interactive CLI tool that helps users with software engineering tasks. ${'Follow the repository conventions. '.repeat(400)}`, cache_control: { type: 'ephemeral' } },
];
const QUESTION = 'Which files are in src? Then show package.json.';
const history = [
  { role: 'user', content: [{ type: 'text', text: '<system-reminder>This is a reminder.</system-reminder>' }, { type: 'text', text: QUESTION, cache_control: { type: 'ephemeral' } }] },
  {
    role: 'assistant',
    content: [
      { type: 'thinking', thinking: 'I should list the folder.', signature: 'EqQBCkYIBxgCKkD' },
      { type: 'text', text: "I'll list the folder." },
      { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'LS', input: { path: '/repo/src' } },
    ],
  },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A09q90qw90lq917835lq9', content: [{ type: 'text', text: '- index.ts\n- util.ts' }] }] },
];

function post(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${harness.gateway.url}/v1/messages?beta=true`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${API_KEY}`,
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14',
      'x-app': 'cli',
      'user-agent': 'claude-cli/1.0.100 (external, cli)',
    },
    body: JSON.stringify(body),
  });
}

describe('a Claude Code session', () => {
  it('the main turn streams a text block then a tool_use block, every event in order', async () => {
    const reply = toolCallText([{ name: 'Read', arguments: { path: '/repo/package.json' } }], { before: 'Two files. Now the manifest.\n' });
    harness.simulator.setScriptedReplies([{ match: 'show package.json', reply }]);
    const response = await post({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 32000,
      stream: true,
      system,
      tools,
      messages: history,
      metadata: { user_id: 'user_abc_account__session_1' },
      temperature: 1,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseAnthropicSse(await response.text());
    expectWellFormedStream(events);
    expect(events[0]!.data.message.model).toBe('claude-sonnet-4-5-20250929');
    expect(events[1]!.name).toBe('ping');
    const starts = events.filter((event) => event.name === 'content_block_start').map((event) => event.data.content_block);
    expect(starts).toEqual([
      { type: 'text', text: '' },
      { type: 'tool_use', id: expect.stringMatching(/^toolu_[A-Za-z0-9]{24}$/), name: 'Read', input: {} },
    ]);
    const json = events.filter((event) => event.data.delta?.type === 'input_json_delta').map((event) => event.data.delta.partial_json).join('');
    expect(JSON.parse(json)).toEqual({ path: '/repo/package.json' });
    const text = events.filter((event) => event.data.delta?.type === 'text_delta').map((event) => event.data.delta.text).join('');
    expect(text).toBe('Two files. Now the manifest.\n');
    expect(events.at(-2)!.data.delta.stop_reason).toBe('tool_use');
    // The history reached the model: the earlier call and its result, paired, history thinking dropped.
    const prompt = harness.simulator.state().recentPrompts.at(-1)!;
    // toolu_ ids become the pipeline's call_ ids both ways (lib/api/anthropic-messages/tool-use-id.ts).
    expect(prompt).toContain('<tool_result name="LS" call_id="call_01A09q90qw90lq917835lq9">');
    expect(prompt).not.toContain('I should list the folder.');
    expect(harness.simulator.state().sessions.map((session) => session.model)).toEqual(['claude-3-7-sonnet-20250219']);
    await harness.noSessionsLeft();
  });

  it('the Haiku background calls: the quota probe is answered locally, the topic check goes to the fast model', async () => {
    const probe = await post({ model: 'claude-3-5-haiku-20241022', max_tokens: 1, messages: [{ role: 'user', content: 'quota' }], metadata: { user_id: 'u' } });
    expect(probe.status).toBe(200);
    expect(await probe.json()).toMatchObject({ model: 'claude-3-5-haiku-20241022', content: [{ type: 'text', text: 'OK' }], stop_reason: 'max_tokens' });
    expect(harness.simulator.state().calls.completions).toBe(0);

    const topic = await post({
      model: 'claude-3-5-haiku-20241022',
      max_tokens: 512,
      stream: true,
      temperature: 0,
      system: [{ type: 'text', text: "Analyze if this message indicates a new conversation topic. Format your response as a JSON object with two fields: 'isNewTopic' (boolean) and 'title' (string, or null if isNewTopic is false)." }],
      messages: [{ role: 'user', content: `${QUESTION}\nSIM-REPLY: {"isNewTopic": true, "title": "List src"}` }],
    });
    const events = parseAnthropicSse(await topic.text());
    expectWellFormedStream(events);
    const text = events.filter((event) => event.data.delta?.type === 'text_delta').map((event) => event.data.delta.text).join('');
    expect(JSON.parse(text)).toEqual({ isNewTopic: true, title: 'List src' });
    expect(events[0]!.data.message.model).toBe('claude-3-5-haiku-20241022');
    expect(harness.simulator.state().sessions.map((session) => session.model)).toEqual(['gpt-4.1-nano']);
    await harness.noSessionsLeft();
  });

  it('count_tokens?beta=true for the main turn: local, and larger than the system prompt alone', async () => {
    const count = async (body: Record<string, unknown>) => {
      const response = await fetch(`${harness.gateway.url}/v1/messages/count_tokens?beta=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'anthropic-beta': 'token-counting-2024-11-01' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { input_tokens: number }).input_tokens;
    };
    const full = await count({ model: 'claude-sonnet-4-5-20250929', system, tools, messages: history });
    const bare = await count({ model: 'claude-sonnet-4-5-20250929', system, messages: [{ role: 'user', content: 'x' }] });
    expect(full).toBeGreaterThan(bare + 500);
    expect(harness.simulator.state().calls).toMatchObject({ saveSession: 0, completions: 0 });
  });
});

describe('a Claude Code turn on a reasoning model', () => {
  it('streams a signed thinking block, then the text, every event in order', async () => {
    const response = await post({ model: 'DeepSeek-R1', max_tokens: 4096, stream: true, system, messages: [{ role: 'user', content: 'Why?\nSIM-REPLY: Because.' }] });
    const events = parseAnthropicSse(await response.text());
    expectWellFormedStream(events);
    const starts = events.filter((event) => event.name === 'content_block_start').map((event) => event.data.content_block.type);
    expect(starts).toEqual(['thinking', 'text']);
    expect(events.at(-2)!.data.delta.stop_reason).toBe('end_turn');
    await harness.noSessionsLeft();
  });
});
