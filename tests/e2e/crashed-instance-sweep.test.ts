import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { readUntilFirstContent } from '../support/read-sse';
import { startGatewayCluster, type GatewayCluster } from '../support/gateway-cluster';
import { simulatedUpstreamEnvironment, type GatewayProcess } from '../support/gateway-process';

/**
 * A gateway instance killed mid-stream (kill -9: no cleanup at all) leaves its upstream
 * session behind. Another instance's keep-alive sweep reclaims it once its lease has lapsed —
 * and never touches a session whose owner is alive and streaming.
 */
const API_KEY = 'sk-sweep-test-123456';
const CRON_SECRET = 'cron-secret-sweep-test';
const LEASE_MS = 2_000;

let cluster: GatewayCluster;
let simulator: SimulatorHandle;
let doomed: GatewayProcess;
let survivor: GatewayProcess;

beforeAll(async () => {
  simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1 });
  const environment = simulatedUpstreamEnvironment(simulator, {
    SESSION_LEASE_MS: String(LEASE_MS),
    CRON_SECRET,
    API_KEYS: API_KEY,
  });
  cluster = await startGatewayCluster({ count: 2, environment });
  [doomed, survivor] = cluster.gateways as [GatewayProcess, GatewayProcess];
}, 90_000);

afterAll(async () => {
  await cluster?.stop();
  await simulator?.close();
});

/** Starts a long stream and resolves once its first words arrived. */
async function startLongStream(gateway: GatewayProcess) {
  const controller = new AbortController();
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: 'SIM-DELAY: 30\nSIM-LONG: 400' }] }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  await readUntilFirstContent(reader);
  return { stop: () => controller.abort() };
}

const keepalive = async () => {
  const response = await fetch(`${survivor.url}/api/cron/keepalive`, { headers: { authorization: `Bearer ${CRON_SECRET}` } });
  expect(response.status).toBe(200);
  return response.json();
};

const apiSessionIds = () =>
  simulator
    .state()
    .sessions.filter((session: { name: string }) => session.name.startsWith('API ·'))
    .map((session: { id: number }) => session.id);

describe('sweeping a crashed instance\'s session', () => {
  it('waits for the lease to lapse, then deletes it in the sweep; a live stream is never swept', async () => {
    await startLongStream(doomed);
    const [crashedSession] = apiSessionIds();
    expect(crashedSession).toBeDefined();
    await doomed.kill();

    const live = await startLongStream(survivor);
    const liveSession = apiSessionIds().find((id: number) => id !== crashedSession);
    expect(liveSession).toBeDefined();

    // Right after the crash the lease is still running: nothing is swept.
    expect((await keepalive()).sweep).toEqual({ deleted: 0 });
    expect(apiSessionIds()).toContain(crashedSession);

    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 500));
    const report = await keepalive();
    expect(report.sweep).toEqual({ deleted: 1 });
    expect(apiSessionIds()).not.toContain(crashedSession);
    expect(apiSessionIds()).toContain(liveSession); // its owner keeps renewing the lease

    live.stop();
    const deadline = Date.now() + 10_000;
    while (apiSessionIds().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(apiSessionIds()).toEqual([]);
  }, 60_000);
});
