import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { startGatewayCluster, type GatewayCluster } from '../support/gateway-cluster';
import { simulatedUpstreamEnvironment } from '../support/gateway-process';
import { contentOf, parseSseText } from '../support/read-sse';

/**
 * Fair queuing across client keys (lib/pacing/slot-schedule.ts), seen from outside: three
 * `next start` processes on one real Redis, one XIPU simulator account, keys from API_KEYS only
 * and MAX_CONCURRENT_PER_KEY at its default. A burst within the per-key cap queues instead of
 * being refused, and another key's single request is not pushed behind a burst.
 */
const KEY_A = 'sk-fair-key-a-123456';
const KEY_B = 'sk-fair-key-b-123456';

interface Outcome {
  status: number;
  content: string;
  /** When the first piece of the answer arrived, ms after the burst began. */
  firstTokenAfterMs: number;
}

describe('fair queuing on three gateway processes, one Redis, one account', () => {
  let cluster: GatewayCluster;
  let simulator: SimulatorHandle;

  beforeAll(async () => {
    simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1 });
    // No MAX_CONCURRENT_PER_KEY: the default (16) is under test. Slots 160 ms apart.
    const environment = simulatedUpstreamEnvironment(simulator, {
      API_KEYS: `alice:${KEY_A},bob:${KEY_B}`,
      UPSTREAM_MIN_GAP_MS: '100',
      UPSTREAM_ANSWER_ALLOWANCE_MS: '60',
      RATE_LIMIT_RPM: '1000',
    });
    cluster = await startGatewayCluster({ count: 3, environment });
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await simulator?.close();
  });

  async function chat(index: number, key: string, text: string, startedAt: number): Promise<Outcome> {
    const gateway = cluster.gateways[index % cluster.gateways.length]!;
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: `SIM-REPLY: ${text}` }] }),
    });
    let firstTokenAfterMs = Number.POSITIVE_INFINITY;
    let body = '';
    const reader = response.body?.getReader();
    const decoder = new TextDecoder();
    for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
      body += decoder.decode(read.value, { stream: true });
      if (firstTokenAfterMs === Number.POSITIVE_INFINITY && body.includes('"content":"')) firstTokenAfterMs = Date.now() - startedAt;
    }
    return { status: response.status, content: response.status === 200 ? contentOf(parseSseText(body)) : body, firstTokenAfterMs };
  }

  async function settledSimulator(): Promise<ReturnType<SimulatorHandle['state']>> {
    const deadline = Date.now() + 20_000;
    // Only the warm pool's sessions may stay open.
    while (simulator.state().sessionsOpen > 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return simulator.state();
  }

  it('queues a burst of 12 streams from one key instead of refusing most of it (429 too_many_concurrent_requests before)', async () => {
    const startedAt = Date.now();
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, index) => chat(index, KEY_A, `burst ${index}`, startedAt)));
    outcomes.forEach((outcome, index) => {
      expect(outcome.status, outcome.content).toBe(200);
      expect(outcome.content).toBe(`burst ${index}`);
    });
    expect((await settledSimulator()).rateLimited).toBe(0);
  }, 120_000);

  it("serves key B's single request, sent 300 ms after key A's 10 streams, before most of A's", async () => {
    const rateLimitedBefore = simulator.state().rateLimited;
    const startedAt = Date.now();
    const burst = Array.from({ length: 10 }, (_, index) => chat(index, KEY_A, `from A ${index}`, startedAt));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const single = chat(1, KEY_B, 'from B', startedAt);
    const [fromB, ...fromA] = await Promise.all([single, ...burst]);

    expect(fromB!.status, fromB!.content).toBe(200);
    expect(fromB!.content).toBe('from B');
    fromA.forEach((outcome, index) => {
      expect(outcome.status, outcome.content).toBe(200);
      expect(outcome.content).toBe(`from A ${index}`);
    });
    // First come first served would put B's calls behind all twenty of A's: after every A answer.
    const beforeB = fromA.filter((outcome) => outcome.firstTokenAfterMs < fromB!.firstTokenAfterMs).length;
    expect(beforeB, `A first tokens ${fromA.map((outcome) => outcome.firstTokenAfterMs).join(', ')}; B ${fromB!.firstTokenAfterMs}`).toBeLessThanOrEqual(4);
    // Fairness moved slots, never crowded them: the account still saw no "Request too fast".
    expect((await settledSimulator()).rateLimited).toBe(rateLimitedBefore);
  }, 120_000);
});
