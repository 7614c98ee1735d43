import { afterEach, describe, expect, it } from 'vitest';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/**
 * REQUEST_START_DEADLINE_MS: a chat that cannot start its answer in time (waiting for its
 * turn in the account's schedule, or for a login) answers 503 `upstream_start_timeout` with
 * Retry-After, well before the route's limit — and the session it created is still deleted.
 */
let gateway: GatewayHarness | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

const body = (stream: boolean) => ({ model: 'gpt-4.1', stream, messages: [{ role: 'user', content: 'SIM-REPLY: too late' }] });

describe('the request-wide start deadline', () => {
  it.each([false, true])('waiting for the schedule past the deadline (stream: %s): 503, and the session is deleted', async (stream) => {
    // The completions call must wait 3 s after saveSession; the request may wait 1 s in all.
    gateway = await startGatewayHarness({ environment: { UPSTREAM_MIN_GAP_MS: '3000', REQUEST_START_DEADLINE_MS: '1000' } });
    const started = Date.now();
    const response = await gateway.chat(body(stream));
    const elapsed = Date.now() - started;
    const answer = await response.json();
    expect(response.status).toBe(503);
    expect(answer.error).toMatchObject({ type: 'upstream_error', code: 'upstream_start_timeout' });
    expect(response.headers.get('retry-after')).toBe('30');
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(2_500);
    await gateway.settle();
    const state = gateway.simulator.state();
    expect(state.sessionsCreated).toBe(1);
    expect(state.calls.completions).toBe(0);
    expect(state.sessionsOpen).toBe(0);
  }, 20_000);

  it('waiting for a login past the deadline: 503 upstream_start_timeout, not a 20 s wait', async () => {
    gateway = await startGatewayHarness({
      withoutCredentials: true,
      // A login that never finishes (a hung browser): only the deadline ends the wait.
      performLogin: () => () => new Promise(() => undefined),
      environment: { LOGIN_WAIT_MS: '20000', REQUEST_START_DEADLINE_MS: '1000' },
    });
    const started = Date.now();
    const response = await gateway.chat(body(false));
    expect(response.status).toBe(503);
    expect((await response.json()).error.code).toBe('upstream_start_timeout');
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(gateway.simulator.state().calls.saveSession).toBe(0);
  }, 20_000);

  it('a chat that starts in time is not cut by the deadline later', async () => {
    gateway = await startGatewayHarness({ simulator: { chunkDelayMs: 6 }, environment: { REQUEST_START_DEADLINE_MS: '1000' } });
    const started = Date.now();
    const response = await gateway.chat({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'SIM-LONG: 300' }], stream: true });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(Date.now() - started).toBeGreaterThan(1_200); // the answer outlived the start deadline
    await gateway.settle();
    expect(text).toContain('"finish_reason":"stop"');
    expect(text).toContain('[DONE]');
  }, 20_000);
});
