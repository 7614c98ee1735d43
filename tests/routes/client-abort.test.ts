import { afterEach, describe, expect, it } from 'vitest';
import { contentOf, dataOf, readSse, readUntilFirstContent } from '../support/read-sse';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/**
 * Nothing is lost or leaked: a client that goes away at any stage stops the upstream work,
 * and every session created is deleted. Upstream timeouts and broken streams end with an
 * explicit error, never a hang or an empty success.
 */
const user = (content: string) => ({ role: 'user', content });

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each(['default', 'strict'] as const)('client disconnects (%s profile)', (profile) => {
  let gateway: GatewayHarness;
  afterEach(async () => {
    await gateway?.close();
  });
  const start = (environment: Record<string, string> = {}) =>
    startGatewayHarness({
      simulator: { profile },
      environment: { ...(profile === 'strict' ? { PACER_SERIALIZE_STREAMS: 'true' } : {}), ...environment },
    }).then((harness) => (gateway = harness));

  it('while queued for the pacer: nothing is sent upstream', async () => {
    await start({ UPSTREAM_MIN_GAP_MS: '800' });
    const first = gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: first')] });
    await until(() => gateway.simulator.state().calls.saveSession === 1, 'the first saveSession');
    const controller = new AbortController();
    const second = gateway.chat({ model: 'gpt-4.1', messages: [user('second')] }, { signal: controller.signal });
    controller.abort();
    const secondResponse = await second;
    expect(secondResponse.status).toBe(499);
    expect((await (await first).json()).choices[0].message.content).toBe('first');
    await gateway.settle();
    const state = gateway.simulator.state();
    expect(state.sessionsCreated).toBe(1);
    expect(state.calls.saveSession).toBe(1);
    expect(state.sessionsOpen).toBe(0);
  });

  it('while saveSession is in flight: its answer is still read, and the session it created deleted', async () => {
    await start();
    gateway.simulator.injectFaults({ endpoint: 'saveSession', kind: 'slow-answer', ms: 300 });
    const controller = new AbortController();
    const pending = gateway.chat({ model: 'gpt-4.1', messages: [user('hello')], stream: true }, { signal: controller.signal });
    await until(() => gateway.simulator.state().sessionsCreated === 1, 'the session to exist upstream');
    controller.abort(); // the upstream created the session; its answer has not arrived yet
    expect((await pending).status).toBe(499);
    await gateway.settle();
    const state = gateway.simulator.state();
    expect(state.calls.completions).toBe(0);
    expect(state.sessionsOpen).toBe(0);
  });

  it('between saveSession and completions: the session is deleted, completions never called', async () => {
    await start({ UPSTREAM_MIN_GAP_MS: '800' });
    const controller = new AbortController();
    const pending = gateway.chat({ model: 'gpt-4.1', messages: [user('hello')], stream: true }, { signal: controller.signal });
    await until(() => gateway.simulator.state().sessionsCreated === 1, 'the session');
    controller.abort();
    expect((await pending).status).toBe(499);
    await gateway.settle();
    const state = gateway.simulator.state();
    expect(state.calls.completions).toBe(0);
    expect(state.sessionsOpen).toBe(0);
    expect(await gateway.store.hashGetAll('xipu-gw:sessions')).toEqual({});
  });

  it('mid-stream: the upstream stream is closed and the session deleted', async () => {
    await start();
    const controller = new AbortController();
    const response = await gateway.chat(
      { model: 'gpt-4.1', messages: [user('SIM-DELAY: 20\nSIM-LONG: 400')], stream: true },
      { signal: controller.signal },
    );
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await readUntilFirstContent(reader);
    controller.abort();
    await reader.cancel();
    await gateway.settle();
    await until(() => gateway.simulator.state().openStreams === 0, 'the upstream stream to close');
    const state = gateway.simulator.state();
    expect(state.abortedStreams).toBe(1);
    expect(state.sessionsOpen).toBe(0);
  });

  it('during a non-streaming answer: the upstream stream is closed and the session deleted', async () => {
    await start();
    const controller = new AbortController();
    const pending = gateway.chat(
      { model: 'gpt-4.1', messages: [user('SIM-DELAY: 20\nSIM-LONG: 400')] },
      { signal: controller.signal },
    );
    await until(() => gateway.simulator.state().openStreams === 1, 'the upstream stream');
    controller.abort();
    expect((await pending).status).toBe(499);
    await gateway.settle();
    await until(() => gateway.simulator.state().openStreams === 0, 'the upstream stream to close');
    expect(gateway.simulator.state().abortedStreams).toBe(1);
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  });
});

describe('upstream failures', () => {
  let gateway: GatewayHarness;
  afterEach(async () => {
    await gateway?.close();
  });

  it('a silent upstream before the headers → 504 with its real status, session deleted', async () => {
    gateway = await startGatewayHarness({ environment: { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1000' } });
    gateway.simulator.injectFaults({ endpoint: 'completions', kind: 'stall-before-headers', ms: 2_500 });
    const response = await gateway.chat({ model: 'gpt-4.1', messages: [user('hello')], stream: true });
    expect(response.status).toBe(504);
    expect((await response.json()).error.code).toBe('upstream_timeout');
    await gateway.settle();
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  });

  it('an upstream that goes silent mid-stream → one error event, then close; session deleted', async () => {
    gateway = await startGatewayHarness({ environment: { UPSTREAM_IDLE_TIMEOUT_MS: '1000' } });
    gateway.simulator.injectFaults({ endpoint: 'completions', kind: 'stall-mid-stream', afterPieces: 3, ms: 2_500 });
    const response = await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-LONG: 50')], stream: true });
    expect(response.status).toBe(200);
    const events = await readSse(response);
    await gateway.settle();
    const last = events.at(-1);
    expect(last).toMatchObject({ kind: 'data', json: { error: { code: 'upstream_timeout' } } });
    expect(events.some((event) => event.kind === 'done')).toBe(false);
    expect(contentOf(events).length).toBeGreaterThan(0);
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  });

  it('a dropped upstream connection mid-stream → one error event, session deleted', async () => {
    gateway = await startGatewayHarness();
    gateway.simulator.injectFaults({ endpoint: 'completions', kind: 'drop-mid-stream', afterPieces: 3 });
    const events = await readSse(await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-LONG: 50')], stream: true }));
    await gateway.settle();
    expect(dataOf(events).at(-1).error.code).toBe('upstream_stream_interrupted');
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  });

  it('a failed delete is left to the sweep with its lease ended', async () => {
    gateway = await startGatewayHarness();
    gateway.simulator.injectFaults({ endpoint: 'delSession', kind: 'status', status: 502, times: 5 });
    const body = await (await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: ok')] })).json();
    expect(body.choices[0].message.content).toBe('ok');
    await gateway.settle();
    const records = await gateway.store.hashGetAll('xipu-gw:sessions');
    const [record] = Object.values(records).map((raw) => JSON.parse(raw));
    expect(record.leaseUntil).toBeLessThanOrEqual(Date.now());
    expect(gateway.simulator.state().sessionsOpen).toBe(1);
  });
});
