import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { gatewayChat, type GatewayChatResult } from '../../scripts/bench/gateway-client';
import { startGatewayCluster, type GatewayCluster } from '../support/gateway-cluster';
import { simulatedUpstreamEnvironment, type GatewayProcess } from '../support/gateway-process';

/**
 * Issue 7, item 10: requests that give up while queued for the account's schedule give their
 * slots back at once, on every instance. Three gateway processes share one Redis through the
 * Upstash REST protocol. A burst of streaming requests is abandoned by its clients while most
 * of it still waits; the request sent right after must start about as fast as on an idle
 * account — slowed only by the deletes of the sessions the abandoned requests had created —
 * and a request already queued behind the burst must move up.
 *
 * The gateway's gap is wider than in the other e2e tests (the simulator's stays small), so the
 * burst forms a queue of several seconds that outlives the clients' patience.
 */
const API_KEY = 'sk-abandon-test-123456';
const GAP_MS = 250;
const ALLOWANCE_MS = 40;
const SPACING_MS = GAP_MS + ALLOWANCE_MS;
const BURST = 16;
const ABANDON_AFTER_MS = 1_500;
/** A queued request is sent this long after the burst, so it waits behind all of it. */
const QUEUED_AFTER_MS = 200;
/** Timer, event-loop and Redis round-trip noise on a busy 2-core machine, allowed on top. */
const MARGIN_MS = 1_000;

const body = (text: string) => ({ model: 'gpt-4.1', messages: [{ role: 'user', content: `SIM-REPLY: ${text}` }] });

/** A streaming request whose client gives up (aborts) at `abandonAt`, reading until then. */
async function abandonedChat(url: string, text: string, signal: AbortSignal): Promise<'answered' | 'abandoned'> {
  try {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ ...body(text), stream: true }),
      signal,
    });
    await response.text();
    return 'answered';
  } catch (error) {
    if (signal.aborted) return 'abandoned';
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('three gateway processes, one Redis: abandoned waiters give their slots back', () => {
  let cluster: GatewayCluster;
  let simulator: SimulatorHandle;
  let gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1 });
    const environment = simulatedUpstreamEnvironment(simulator, {
      API_KEYS: API_KEY,
      UPSTREAM_MIN_GAP_MS: String(GAP_MS),
      UPSTREAM_ANSWER_ALLOWANCE_MS: String(ALLOWANCE_MS),
      RATE_LIMIT_RPM: '1000',
      MAX_CONCURRENT_PER_KEY: '50',
    });
    cluster = await startGatewayCluster({ count: 3, environment });
    gateways = cluster.gateways;
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await simulator?.close();
  });

  /** Until the account has no session, call or stream left (deletes run after each response). */
  async function waitForQuiet(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = simulator.state();
      if ((state.sessionsOpen === 0 && state.callsInFlight === 0 && state.openStreams === 0) || Date.now() > deadline) return;
      await sleep(20);
    }
  }

  const expectAnswered = (result: GatewayChatResult, text: string) => {
    expect(result.failure, result.failure).toBeUndefined();
    expect(result.content).toBe(text);
  };

  it(`the next request's wait is unchanged by ${BURST} abandoned ones, and a queued one moves up`, async () => {
    // Warm-up: every process has loaded its routes and the store its scripts.
    for (const [index, gateway] of gateways.entries()) {
      expectAnswered(await gatewayChat(gateway.url, API_KEY, body(`warm ${index}`)), `warm ${index}`);
      await waitForQuiet(10_000);
      await sleep(SPACING_MS + 50);
    }
    // Baseline: time to first token on an idle account (the better of two, on two processes).
    const baselines: number[] = [];
    for (const gateway of gateways.slice(0, 2)) {
      const result = await gatewayChat(gateway.url, API_KEY, body('idle'));
      expectAnswered(result, 'idle');
      baselines.push(result.ttftMs);
      await waitForQuiet(10_000);
      await sleep(SPACING_MS + 50);
    }
    const baselineMs = Math.min(...baselines);
    simulator.reset();

    // The burst, spread over the three processes; its clients give up after ABANDON_AFTER_MS.
    const controller = new AbortController();
    const burstStartedAt = performance.now();
    const burst = Promise.all(
      Array.from({ length: BURST }, (_, index) =>
        abandonedChat(gateways[index % gateways.length]!.url, `abandoned ${index}`, controller.signal),
      ),
    );
    await sleep(QUEUED_AFTER_MS);
    // Queued behind the whole burst, on the third process: its slot is some BURST spacings away.
    const queued = gatewayChat(gateways[2]!.url, API_KEY, body('queued'));
    await sleep(ABANDON_AFTER_MS - QUEUED_AFTER_MS);
    controller.abort(new Error('the client gave up'));
    const outcomes = await burst;
    // Let the processes see the disconnects and queue the deletes of what had been created.
    await sleep(100);
    const pendingDeletes = simulator.state().sessionsOpen;

    const next = await gatewayChat(gateways[0]!.url, API_KEY, body('next'));
    const queuedResult = await queued;
    const queuedFirstTokenAt = QUEUED_AFTER_MS + queuedResult.ttftMs;
    console.log(
      `baseline TTFT ${Math.round(baselineMs)} ms (of ${baselines.map(Math.round).join(', ')}); ` +
        `burst: ${outcomes.filter((outcome) => outcome === 'abandoned').length} abandoned, ` +
        `${outcomes.filter((outcome) => outcome === 'answered').length} answered, ${pendingDeletes} sessions left to delete; ` +
        `next request TTFT ${Math.round(next.ttftMs)} ms; queued request's first token ${Math.round(queuedFirstTokenAt)} ms ` +
        `after the burst began (its slot was ≥ ${BURST * SPACING_MS} ms away)`,
    );

    expect(outcomes.filter((outcome) => outcome === 'abandoned').length).toBeGreaterThanOrEqual(BURST / 2);
    expectAnswered(next, 'next');
    expectAnswered(queuedResult, 'queued');
    // An idle account's wait, plus one slot per delete of a session the burst had created and
    // per call of the queued request (which may move up ahead of it).
    expect(next.ttftMs).toBeLessThan(baselineMs + (pendingDeletes + 2) * SPACING_MS + MARGIN_MS);
    // Without moving up, its saveSession would have waited for the burst's BURST slots, and its
    // completions for those of every session the burst created.
    expect(queuedFirstTokenAt).toBeLessThan((BURST + 2) * SPACING_MS);

    // Every session the burst created is deleted, soon, and nothing was rate-limited.
    await waitForQuiet(20_000);
    const state = simulator.state();
    expect(state.sessionsOpen).toBe(0);
    expect(state.rateLimited).toBe(0);
    expect(performance.now() - burstStartedAt).toBeLessThan(BURST * 3 * SPACING_MS);
  }, 120_000);
});
