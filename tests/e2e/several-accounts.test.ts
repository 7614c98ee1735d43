import { afterEach, describe, expect, it } from 'vitest';
import { readRecentRequests } from '@/lib/metrics/read-recent-requests';
import { createUpstashStore } from '@/lib/store/upstash-store';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { contentOf, readSse } from '../support/read-sse';
import { startGatewayCluster, type GatewayCluster } from '../support/gateway-cluster';
import { PER_CHAT_SESSIONS } from '../support/gateway-process';

/**
 * Several XIPU accounts (XIPU_ACCOUNTS) behind three `next start` processes sharing one real
 * Redis: a burst of 12 streams over two accounts uses both, draws no upstream 429 and ends in
 * about half the time one account needs; an account whose login the portal refuses leaves
 * every chat to the other, and health says degraded.
 */
const BURST = 12;
const PACING = {
  // As in multi-process.test.ts: well above the simulator's 40 ms, for a loaded test machine.
  UPSTREAM_MIN_GAP_MS: '100',
  UPSTREAM_ANSWER_ALLOWANCE_MS: '60',
  RATE_LIMIT_RPM: '1000',
  MAX_CONCURRENT_PER_KEY: '50',
  ...PER_CHAT_SESSIONS,
};

let cluster: GatewayCluster | undefined;
let simulator: SimulatorHandle | undefined;
afterEach(async () => {
  await cluster?.stop();
  await simulator?.close();
  cluster = undefined;
  simulator = undefined;
});

/** An XIPU_ACCOUNTS entry's credential fields (the simulator's record has more). */
const pair = ({ jmToken, sdpSession }: { jmToken: string; sdpSession: string }) => ({ jmToken, sdpSession });

async function burst(gateways: GatewayCluster['gateways']) {
  const startedAt = Date.now();
  const results = await Promise.all(
    Array.from({ length: BURST }, async (_, index) => {
      const response = await fetch(`${gateways[index % gateways.length]!.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: `SIM-REPLY: answer ${index}` }] }),
      });
      return { index, status: response.status, content: response.status === 200 ? contentOf(await readSse(response)) : await response.text() };
    }),
  );
  const makespanMs = Date.now() - startedAt;
  for (const result of results) {
    expect(result.status, `request ${result.index}: ${result.status === 200 ? '' : result.content}`).toBe(200);
    expect(result.content).toBe(`answer ${result.index}`);
  }
  return makespanMs;
}

async function upstreamsOf(running: GatewayCluster): Promise<string[]> {
  const store = createUpstashStore({ url: running.redis.url, token: running.redis.token });
  return (await readRecentRequests(store, 100)).map((record) => record.upstream ?? '');
}

async function settled(handle: SimulatorHandle): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (handle.state().sessionsOpen > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('several XIPU accounts over three processes and one Redis', () => {
  it(`a burst of ${BURST} streams: both accounts used, no 429, about half the makespan of one account`, async () => {
    simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1 });
    const one = pair(simulator.mintCredentials({ account: 'student-one' }));
    const two = pair(simulator.mintCredentials({ account: 'student-two' }));

    cluster = await startGatewayCluster({ count: 3, environment: { ...PACING, XIPU_API_BASE: simulator.apiBase, JM_TOKEN: one.jmToken, SDP_SESSION: one.sdpSession } });
    const single = await burst(cluster.gateways);
    await settled(simulator);
    await cluster.stop();

    cluster = await startGatewayCluster({
      count: 3,
      environment: {
        ...PACING,
        XIPU_API_BASE: simulator.apiBase,
        XIPU_ACCOUNTS: JSON.stringify([
          { id: 'one', ...one },
          { id: 'two', ...two },
        ]),
      },
    });
    const double = await burst(cluster.gateways);
    await settled(simulator);

    const state = simulator.state();
    expect(state.rateLimited).toBe(0);
    expect(state.sessionsOpen).toBe(0);
    const upstreams = await upstreamsOf(cluster);
    expect(upstreams.filter((id) => id === 'xipu:one').length).toBeGreaterThanOrEqual(3);
    expect(upstreams.filter((id) => id === 'xipu:two').length).toBeGreaterThanOrEqual(3);
    // About half: each account runs its own schedule of 3 calls per chat.
    console.log(`several accounts: one account ${single} ms, two accounts ${double} ms (${(double / single).toFixed(2)}×)`);
    expect(double / single).toBeLessThan(0.75);
  }, 180_000);

  it('an account whose login the portal refuses: every chat goes to the other, health says degraded', async () => {
    simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1 });
    const good = pair(simulator.mintCredentials({ account: 'student-two' }));
    cluster = await startGatewayCluster({
      count: 3,
      environment: {
        ...PACING,
        XIPU_API_BASE: simulator.apiBase,
        XIPU_PORTAL_URL: simulator.portalUrl,
        CRON_SECRET: 'cron-secret-several-accounts',
        XIPU_ACCOUNTS: JSON.stringify([
          { id: 'refused', username: simulator.portalAccount.username, password: 'not-the-password' },
          { id: 'good', ...good },
        ]),
      },
    });
    const [first] = cluster.gateways;
    // The keep-alive logs the refused account in (real Chromium on the portal): it fails.
    const keepalive = await fetch(`${first!.url}/api/cron/keepalive`, { headers: { authorization: 'Bearer cron-secret-several-accounts' } });
    expect(keepalive.status).toBe(200);
    const report = (await keepalive.json()) as { accounts?: Array<{ id: string }> };
    expect(report.accounts?.map((account) => account.id)).toEqual(['refused', 'good']);
    expect(simulator.state().portal.loginsFailed).toBeGreaterThanOrEqual(1);

    await burst(cluster.gateways);
    await settled(simulator);
    expect((await upstreamsOf(cluster)).every((id) => id === 'xipu:good')).toBe(true);
    expect(simulator.state().rateLimited).toBe(0);
    const health = (await (await fetch(`${first!.url}/api/health`)).json()) as { status: string };
    expect(health.status).toBe('degraded');
  }, 180_000);
});
