import { afterEach, describe, expect, it } from 'vitest';
import { contentOf, readSse } from '../support/read-sse';
import { failingStore } from '../support/failing-store';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/**
 * A store hiccup (Upstash timing out) must never lose an upstream session or leave a stream
 * open; where it stops a request, the client gets a 503 worth retrying, not a bare 500.
 */
const user = (content: string) => ({ role: 'user', content });

let gateway: GatewayHarness;
afterEach(async () => {
  await gateway?.close();
});

describe('store failures during a chat', () => {
  it('recording a late answer fails: the chat still succeeds and its session is deleted', async () => {
    // With no allowance every answer is "late", so each call tries to push the schedule.
    gateway = await startGatewayHarness({ store: failingStore('releaseSlot'), environment: { UPSTREAM_ANSWER_ALLOWANCE_MS: '0' } });
    const events = await readSse(await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: unharmed')], stream: true }));
    await gateway.settle();
    expect(contentOf(events)).toBe('unharmed');
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
    expect(gateway.simulator.state().openStreams).toBe(0);
  });

  it('recording the new session fails: the chat still succeeds and the session is deleted', async () => {
    gateway = await startGatewayHarness({ store: failingStore('hashSet', 1) });
    const body = await (await gateway.chat({ model: 'gpt-4.1', messages: [user('SIM-REPLY: still fine')] })).json();
    await gateway.settle();
    expect(body.choices[0].message.content).toBe('still fine');
    expect(gateway.simulator.state().sessionsCreated).toBe(1);
    expect(gateway.simulator.state().sessionsOpen).toBe(0);
  });

  it('the store is down before anything went upstream: 503 store_unavailable with Retry-After, no upstream call', async () => {
    gateway = await startGatewayHarness({ store: failingStore('acquireLease') });
    const response = await gateway.chat({ model: 'gpt-4.1', messages: [user('hello')] });
    await gateway.settle();
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(response.headers.get('x-should-retry')).toBe('true');
    expect((await response.json()).error.code).toBe('store_unavailable');
    expect(gateway.simulator.state().calls).toEqual({ saveSession: 0, completions: 0, delSession: 0 });
  });
});
