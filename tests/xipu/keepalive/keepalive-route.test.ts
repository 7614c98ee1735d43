import { afterEach, describe, expect, it } from 'vitest';
import { keepaliveHandler } from '@/lib/handlers/keepalive';
import { routeSet } from '@/lib/handlers/route-set';
import { readSweepRecord } from '@/lib/xipu/sessions/sweep-record';
import { storeKeys } from '@/lib/store/keys';
import { startGatewayHarness, type GatewayHarness } from '@/tests/support/gateway-harness';
import { accountStore } from '@/lib/xipu/account/account-store';
import { DEFAULT_ACCOUNT_ID, xipuAccountKeys } from '@/lib/xipu/account/account-keys';

const DEFAULT_KEYS = xipuAccountKeys(DEFAULT_ACCOUNT_ID);

const CRON_SECRET = 'cron-secret-for-tests-123';
let gateway: GatewayHarness;
afterEach(async () => {
  await gateway?.close();
});

async function start(simulator: Parameters<typeof startGatewayHarness>[0] extends infer T ? (T extends { simulator?: infer S } ? S : never) : never = {}) {
  gateway = await startGatewayHarness({ simulator, environment: { CRON_SECRET } });
  const routes = routeSet({ GET: keepaliveHandler(() => async () => Promise.reject(new Error('no login in this test'))) }, { ...gateway.routeOptions, authenticate: false });
  const keepalive = async (authorization: string | null = `Bearer ${CRON_SECRET}`) =>
    routes.GET(new Request('http://gateway.test/api/cron/keepalive', { headers: authorization ? { authorization } : {} }));
  return { keepalive };
}

describe('GET /api/cron/keepalive', () => {
  it('refuses without the secret, or with a wrong one', async () => {
    const { keepalive } = await start();
    for (const authorization of [null, 'Bearer wrong-secret', `Basic ${CRON_SECRET}`]) {
      const response = await keepalive(authorization);
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('invalid_cron_secret');
    }
    expect(gateway.simulator.state().calls).toEqual({ saveSession: 0, completions: 0, delSession: 0 });
  });

  it('heartbeats update one persistent session: the account does not grow', async () => {
    const { keepalive } = await start();
    const first = await (await keepalive()).json();
    expect(first.heartbeat).toMatchObject({ status: 'ok', action: 'created' });
    for (let beat = 0; beat < 3; beat += 1) {
      const report = await (await keepalive()).json();
      expect(report.heartbeat).toMatchObject({ status: 'ok', action: 'updated' });
    }
    const state = gateway.simulator.state();
    expect(state.sessionsCreated).toBe(1);
    expect(state.sessionsOpen).toBe(1);
    expect(state.sessions[0]?.name).toMatch(/Heartbeat/);
  });

  it('two heartbeats at once (the cron and an admin\'s button) create one session, not two', async () => {
    const { keepalive } = await start();
    const reports = await Promise.all([keepalive(), keepalive()].map(async (response) => (await response).json()));
    const statuses = reports.map((report) => report.heartbeat.status).sort();
    expect(statuses).toEqual(['failed', 'ok']);
    expect(reports.find((report) => report.heartbeat.status === 'failed').heartbeat.message).toMatch(/Another heartbeat is running/);
    expect(gateway.simulator.state().sessionsCreated).toBe(1);
    expect((await (await keepalive()).json()).heartbeat).toMatchObject({ status: 'ok', action: 'updated' });
  });

  it('recreates the heartbeat session once when the stored id is no longer valid', async () => {
    const { keepalive } = await start();
    await gateway.store.set(DEFAULT_KEYS.heartbeatSessionId, '987654');
    expect((await (await keepalive()).json()).heartbeat).toMatchObject({ status: 'ok', action: 'recreated' });
    expect((await (await keepalive()).json()).heartbeat).toMatchObject({ status: 'ok', action: 'updated' });
    expect(gateway.simulator.state().sessionsCreated).toBe(1);
  });

  it('follows a service that answers a stale update with a new id', async () => {
    const { keepalive } = await start({ staleSessionUpdate: 'new-id' });
    await gateway.store.set(DEFAULT_KEYS.heartbeatSessionId, '987654');
    expect((await (await keepalive()).json()).heartbeat).toMatchObject({ status: 'ok', action: 'recreated' });
    const storedId = Number(await gateway.store.get(DEFAULT_KEYS.heartbeatSessionId));
    expect(gateway.simulator.state().sessions.map((session: { id: number }) => session.id)).toEqual([storedId]);
    expect((await (await keepalive()).json()).heartbeat).toMatchObject({ status: 'ok', action: 'updated' });
  });

  it('sweeps expired-lease sessions in one batched call, never a live one, the heartbeat or the owner\'s', async () => {
    const { keepalive } = await start();
    await keepalive(); // creates the heartbeat session
    gateway.simulator.createBrowserSessions({ count: 2 });
    const { jmToken, sdpSession } = gateway.config.xipu.manualCredentials!;
    const created: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      await new Promise((resolve) => setTimeout(resolve, gateway.config.pacer.gapMs + gateway.config.pacer.allowanceMs));
      const reply = await (
        await fetch(`${gateway.simulator.apiBase}/saveSession?sf_request_type=ajax`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'jm-token': jmToken, 'sdp-app-session': sdpSession },
          body: JSON.stringify({ name: 'API · gpt-4.1 · orphan', model: 'gpt-4.1', temperature: 1, maxToken: 0, presencePenalty: 0, frequencyPenalty: 0 }),
        })
      ).json();
      created.push(reply.data.id);
    }
    const [orphanA, orphanB, live] = created as [number, number, number];
    const lease = (leaseUntil: number) => JSON.stringify({ owner: 'req_x', model: 'gpt-4.1', createdAt: Date.now() - 600_000, leaseUntil });
    await gateway.store.hashSet(DEFAULT_KEYS.upstreamSessions, {
      [String(orphanA)]: lease(Date.now() - 1_000),
      [String(orphanB)]: lease(Date.now() - 1),
      [String(live)]: lease(Date.now() + 60_000),
    });
    const batchesBefore = gateway.simulator.state().delSessionBatches.calls;

    const report = await (await keepalive()).json();
    expect(report.sweep).toEqual({ deleted: 2 });
    const state = gateway.simulator.state();
    expect(state.delSessionBatches.calls).toBe(batchesBefore + 1);
    expect(state.delSessionBatches.idsPerCall.at(-1)).toBe(2);
    const remaining = state.sessions.map((session: { id: number }) => session.id);
    expect(remaining).not.toContain(orphanA);
    expect(remaining).not.toContain(orphanB);
    expect(remaining).toContain(live);
    expect(state.sessions.filter((session: { createdBy: string }) => session.createdBy === 'browser')).toHaveLength(2);
    expect(remaining).toContain(Number(await gateway.store.get(DEFAULT_KEYS.heartbeatSessionId)));
    expect(Object.keys(await gateway.store.hashGetAll(DEFAULT_KEYS.upstreamSessions))).toEqual([String(live)]);
  });

  it('sweeps past a refused batch: the session the owner already deleted is forgotten, the others deleted one by one', async () => {
    const { keepalive } = await start({ delSessionUnknownIds: 'refuse' });
    await keepalive(); // creates the heartbeat session
    const { jmToken, sdpSession } = gateway.config.xipu.manualCredentials!;
    const call = async (endpoint: string, body: unknown) => {
      await new Promise((resolve) => setTimeout(resolve, gateway.config.pacer.gapMs + gateway.config.pacer.allowanceMs));
      const response = await fetch(`${gateway.simulator.apiBase}/${endpoint}?sf_request_type=ajax`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'jm-token': jmToken, 'sdp-app-session': sdpSession },
        body: JSON.stringify(body),
      });
      return response.json();
    };
    const created: number[] = [];
    for (let index = 0; index < 3; index += 1) {
      const reply = await call('saveSession', { name: 'API · gpt-4.1 · orphan', model: 'gpt-4.1', temperature: 1, maxToken: 0, presencePenalty: 0, frequencyPenalty: 0 });
      created.push(reply.data.id);
    }
    const [orphanA, deletedByOwner, orphanB] = created as [number, number, number];
    expect(await call('delSession', { ids: [deletedByOwner] })).toMatchObject({ code: 0 }); // in the web history
    const lease = (leaseUntil: number) => JSON.stringify({ owner: 'req_x', model: 'gpt-4.1', createdAt: Date.now() - 600_000, leaseUntil });
    await gateway.store.hashSet(DEFAULT_KEYS.upstreamSessions, Object.fromEntries(created.map((id) => [String(id), lease(Date.now() - 1_000)])));
    await new Promise((resolve) => setTimeout(resolve, gateway.config.pacer.gapMs + gateway.config.pacer.allowanceMs));

    const report = await (await keepalive()).json();
    expect(report.sweep).toEqual({ deleted: 2, gone: 1, kept: 0, batchRefused: 'Session not found' });
    const remaining = gateway.simulator.state().sessions.map((session: { id: number }) => session.id);
    expect(remaining).not.toContain(orphanA);
    expect(remaining).not.toContain(orphanB);
    expect(await gateway.store.hashGetAll(DEFAULT_KEYS.upstreamSessions)).toEqual({});
    expect(await readSweepRecord(accountStore(gateway.store))).toMatchObject({ deleted: 2, gone: 1, kept: 0 });

    // The next run has nothing left to sweep: no delSession at all.
    const deletesBefore = gateway.simulator.state().calls.delSession;
    expect((await (await keepalive()).json()).sweep).toEqual({ deleted: 0 });
    expect(gateway.simulator.state().calls.delSession).toBe(deletesBefore);
  });
});
