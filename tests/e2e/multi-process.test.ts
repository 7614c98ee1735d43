import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { contentOf, dataOf, readSse } from '../support/read-sse';
import { startGatewayCluster, type GatewayCluster } from '../support/gateway-cluster';
import { simulatedUpstreamEnvironment, type GatewayProcess } from '../support/gateway-process';

/**
 * Three gateway processes (three serverless instances) share one Redis through the Upstash
 * REST protocol. A burst of concurrent streaming requests spread over them must cause zero
 * upstream 429s and zero client failures, and leave zero sessions behind — in both
 * simulator profiles.
 */
const API_KEY = 'sk-burst-test-123456';
const BURST = 12;

describe.each(['default', 'strict'] as const)('three gateway processes, one Redis (%s profile)', (profile) => {
  let cluster: GatewayCluster;
  let simulator: SimulatorHandle;
  let gateways: GatewayProcess[] = [];

  beforeAll(async () => {
    simulator = await startSimulator({ profile, minGapMs: 40, chunkDelayMs: 1 });
    const environment = simulatedUpstreamEnvironment(simulator, {
      API_KEYS: API_KEY,
      // Twice the simulator's 40 ms limit and more: a turn's fetch can leave its process tens
      // of milliseconds late while two cores also run other test files' servers and Chromium.
      // The zero-429 claim is about the schedule, not about an overloaded test machine.
      UPSTREAM_MIN_GAP_MS: '100',
      UPSTREAM_ANSWER_ALLOWANCE_MS: '60',
      RATE_LIMIT_RPM: '1000',
      MAX_CONCURRENT_PER_KEY: '50',
      ...(profile === 'strict' ? { PACER_SERIALIZE_STREAMS: 'true' } : {}),
    });
    cluster = await startGatewayCluster({ count: 3, environment });
    gateways = cluster.gateways;
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
    await simulator?.close();
  });

  it(`serves a burst of ${BURST} concurrent streams with no 429 and no session left`, async () => {
    const results = await Promise.all(
      Array.from({ length: BURST }, async (_, index) => {
        const gateway = gateways[index % gateways.length]!;
        const response = await fetch(`${gateway.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
          body: JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: `SIM-REPLY: answer ${index}` }] }),
        });
        const events = response.status === 200 ? await readSse(response) : [];
        return { index, status: response.status, events };
      }),
    );
    for (const result of results) {
      expect(result.status, `request ${result.index}`).toBe(200);
      expect(contentOf(result.events)).toBe(`answer ${result.index}`);
      expect(dataOf(result.events).at(-1).choices[0].finish_reason).toBe('stop');
    }
    const deadline = Date.now() + 20_000;
    while (simulator.state().sessionsOpen > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const state = simulator.state();
    expect(state.rateLimited).toBe(0);
    expect(state.sessionsCreated).toBe(BURST);
    expect(state.sessionsOpen).toBe(0);
    if (profile === 'strict') expect(state.maxConcurrentStreams).toBe(1);
  }, 120_000);
});
