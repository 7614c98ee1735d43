import { afterEach, describe, expect, it } from 'vitest';
import { contentOf, dataOf, readSse, reasoningOf } from '../support/read-sse';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/**
 * The chat route end to end: real handlers, pacer and store code against the upstream
 * simulator over HTTP, in both simulator profiles (the strict one needs serialised streams).
 */
const PROFILES = [
  { profile: 'default' as const, environment: {} as Record<string, string> },
  { profile: 'strict' as const, environment: { PACER_SERIALIZE_STREAMS: 'true' } as Record<string, string> },
];

const user = (content: string) => ({ role: 'user', content });

describe.each(PROFILES)('chat completions against the $profile simulator', ({ profile, environment }) => {
  let gateway: GatewayHarness;
  const start = async (extra: Record<string, string> = {}) => {
    gateway = await startGatewayHarness({ simulator: { profile }, environment: { ...environment, ...extra } });
    return gateway;
  };
  afterEach(async () => {
    await gateway?.close();
  });

  it('streams a whole OpenAI chunk sequence and deletes the session afterwards', async () => {
    await start();
    const response = await gateway.chat({
      model: 'gpt-4.1',
      messages: [user('SIM-REPLY: Hello there, 你好!')],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toContain('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);

    const events = await readSse(response);
    await gateway.settle();
    const chunks = dataOf(events);
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(contentOf(events)).toBe('Hello there, 你好!');
    const finish = chunks.at(-2);
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(finish.usage).toBeUndefined();
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.usage.completion_tokens).toBeGreaterThan(0);
    expect(usage.usage.total_tokens).toBe(usage.usage.prompt_tokens + usage.usage.completion_tokens);
    expect(events.at(-1)).toEqual({ kind: 'done' });

    const state = gateway.simulator.state();
    expect(state.sessionsOpen).toBe(0);
    expect(state.sessionsDeleted).toBe(1);
    expect(state.rateLimited).toBe(0);
    expect(await gateway.store.hashGetAll('xipu-gw:sessions')).toEqual({});
  });

  it('answers non-streaming with one chat.completion object', async () => {
    await start();
    const response = await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: plain answer')] });
    expect(response.status).toBe(200);
    const body = await response.json();
    await gateway.settle();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4.1',
      choices: [{ index: 0, message: { role: 'assistant', content: 'plain answer', refusal: null }, finish_reason: 'stop', logprobs: null }],
    });
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  });

  it('sends the whole conversation in one fresh session per request', async () => {
    await start();
    const messages = [
      { role: 'developer', content: 'Be brief.' },
      user('first question'),
      { role: 'assistant', content: 'first answer' },
      user('second question'),
    ];
    const first = await (await gateway.chat({ model: 'gpt-4.1', messages })).json();
    const second = await (await gateway.chat({ model: 'gpt-4.1', messages })).json();
    await gateway.settle();
    // The simulator appends "(turn N)" when a session is reused: each request must get a fresh one.
    expect(first.choices[0].message.content).toBe('好的! You said: second question');
    expect(second.choices[0].message.content).toBe(first.choices[0].message.content);
    expect(gateway.simulator.state().sessionsCreated).toBe(2);
  });

  it('turns DeepSeek-R1 think tags into reasoning_content', async () => {
    await start();
    const events = await readSse(
      await gateway.chat({ model: 'DeepSeek-R1', messages: [user('SIM-REPLY: The answer is 42.')], stream: true }),
    );
    await gateway.settle();
    expect(reasoningOf(events).length).toBeGreaterThan(0);
    expect(contentOf(events)).toBe('The answer is 42.');
    for (const chunk of dataOf(events)) {
      const delta = chunk.choices[0]?.delta ?? {};
      expect('content' in delta && 'reasoning_content' in delta && delta.content !== '').toBe(false);
    }
  });

  it('never returns an empty success for a banned word', async () => {
    await start();
    const events = await readSse(await gateway.chat({ model: 'gpt-4.1', messages: [user('say forbiddenword')], stream: true }));
    await gateway.settle();
    expect(contentOf(events)).toMatch(/^\[XIPU returned an empty answer/);
    expect(dataOf(events).at(-1).choices[0].finish_reason).toBe('content_filter');
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  });

  it.each([
    ['a file:/// path (canned refusal, one character per piece)', 'read file:///etc/passwd'],
    ['broken markup (Request Err!)', 'parse <![CDATA[ this'],
  ])('reports an upstream refusal for %s', async (_label, prompt) => {
    await start();
    const body = await (await gateway.chat({ model: 'gpt-4.1', messages: [user(prompt)] })).json();
    await gateway.settle();
    expect(body.choices[0].finish_reason).toBe('content_filter');
    expect(body.choices[0].message.content).toMatch(/^\[XIPU refused this prompt/);
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  });

  it('cuts the answer at a stop sequence', async () => {
    await start();
    const body = await (
      await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: one, two, STOP, three')], stop: ['STOP'] })
    ).json();
    await gateway.settle();
    expect(body.choices[0]).toMatchObject({ message: { content: 'one, two, ' }, finish_reason: 'stop' });
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  });

  it('retries upstream 429s before any byte reached the client', async () => {
    await start();
    gateway.simulator.injectFaults(
      { endpoint: 'saveSession', kind: 'status', status: 429, body: '{"code":429,"msg":"Request too fast, please try again later!"}' },
      { endpoint: 'completions', kind: 'status', status: 429, body: '{"code":429,"msg":"Request too fast, please try again later!"}' },
    );
    const body = await (await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: made it')] })).json();
    await gateway.settle();
    expect(body.choices[0].message.content).toBe('made it');
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  });

  it('answers 429 with Retry-After when the upstream keeps refusing', async () => {
    await start();
    gateway.simulator.injectFaults({ endpoint: 'saveSession', kind: 'status', status: 429, times: 3 });
    const response = await gateway.chat({ model: 'gpt-4.1', messages: [user('hello')], stream: true });
    await gateway.settle();
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await response.json()).error.code).toBe('upstream_rate_limited');
    expect(gateway.simulator.state().calls.saveSession).toBe(3);
  });

  it.each([
    ['403', { endpoint: 'completions' as const, kind: 'status' as const, status: 403 }],
    ['500 token error', { endpoint: 'completions' as const, kind: 'status' as const, status: 500, body: '{"code":500,"msg":"token error"}' }],
  ])('says the login expired on %s, and still deletes the session', async (_label, fault) => {
    await start();
    gateway.simulator.injectFaults(fault);
    const response = await gateway.chat({ model: 'gpt-4.1', messages: [user('hello')], stream: true });
    await gateway.settle();
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.error.code).toBe('upstream_login_expired');
    expect(body.error.message).toMatch(/XIPU login has expired/);
    expect(gateway.simulator.state().sessionsCreated).toBe(1);
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  });

  it('answers 404 model_not_found for a model XIPU does not offer', async () => {
    await start();
    const response = await gateway.chat({ model: 'gpt-99-imaginary', messages: [user('hello')] });
    await gateway.settle();
    expect(response.status).toBe(404);
    expect(response.headers.get('x-should-retry')).toBe('false');
    expect((await response.json()).error).toMatchObject({ code: 'model_not_found', param: 'model' });
  });

  it('sweeps expired gateway sessions at the session cap and retries once', async () => {
    await start();
    // The account is full: 48 chats of the owner's browser, 2 of a crashed gateway instance.
    const response = await fetch(`${gateway.simulator.url}/__sim/browser-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 48 }),
    });
    expect(response.ok).toBe(true);
    const orphanIds = await createOrphanSessions(gateway, 2);
    const body = await (await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: room again')] })).json();
    await gateway.settle();
    expect(body.choices[0].message.content).toBe('room again');
    const state = gateway.simulator.state();
    const remaining = state.sessions.map((session: { id: number }) => session.id);
    for (const id of orphanIds) expect(remaining).not.toContain(id);
    expect(state.sessions.filter((session: { createdBy: string }) => session.createdBy === 'browser')).toHaveLength(48);
  });

  it('gives a clear error at the session cap when nothing of ours can be swept', async () => {
    await start();
    await fetch(`${gateway.simulator.url}/__sim/browser-sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 50 }),
    });
    const response = await gateway.chat({ model: 'gpt-4.1', messages: [user('hello')] });
    await gateway.settle();
    expect(response.status).toBe(503);
    expect((await response.json()).error.code).toBe('upstream_session_cap');
    expect(gateway.simulator.state().sessions).toHaveLength(50);
  });
});

/** Creates sessions on the simulator as a crashed gateway would have left them: recorded, lease lapsed. */
async function createOrphanSessions(gateway: GatewayHarness, count: number): Promise<number[]> {
  const { jmToken, sdpSession } = gateway.config.xipu.manualCredentials!;
  const ids: number[] = [];
  for (let index = 0; index < count; index += 1) {
    await waitForSimulatorGap(gateway);
    const response = await fetch(`${gateway.simulator.apiBase}/saveSession?sf_request_type=ajax`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'jm-token': jmToken, 'sdp-app-session': sdpSession },
      body: JSON.stringify({ name: 'API · orphan', model: 'gpt-4.1', temperature: 1, maxToken: 0, presencePenalty: 0, frequencyPenalty: 0 }),
    });
    const reply = await response.json();
    ids.push(reply.data.id);
    await gateway.store.hashSet('xipu-gw:sessions', {
      [String(reply.data.id)]: JSON.stringify({ owner: 'req_crashed', model: 'gpt-4.1', createdAt: Date.now() - 600_000, leaseUntil: Date.now() - 1 }),
    });
  }
  return ids;
}

/** These direct calls bypass the gateway's pacer, so they keep the simulator's gap themselves. */
function waitForSimulatorGap(gateway: GatewayHarness): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, gateway.config.pacer.gapMs + gateway.config.pacer.allowanceMs));
}
