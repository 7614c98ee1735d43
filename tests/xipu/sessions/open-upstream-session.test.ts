import { afterEach, describe, expect, it } from 'vitest';
import { accountStore } from '@/lib/xipu/account/account-store';
import type { XipuApiOptions } from '@/lib/xipu/api/xipu-api';
import { openUpstreamSession, type OpenUpstreamSessionOptions } from '@/lib/xipu/sessions/open-upstream-session';
import { createSessionRegistry } from '@/lib/xipu/sessions/session-registry';
import { readSweepRecord } from '@/lib/xipu/sessions/sweep-record';
import type { Store } from '@/lib/store/store';
import { createSession } from '@/tests/simulator/simulator-client';
import { rejection } from '@/tests/support/rejection';
import { pause, startSessionBench, type SessionBench, type SessionBenchOptions } from './start-session-bench';

/**
 * openUpstreamSession against the simulator over HTTP, with the real schedule and registry:
 * which sessions exist upstream and in the registry afterwards, how many calls each path
 * makes, and which error a refusal becomes.
 */

const REQUEST_ID = 'req_open_test';
const MODEL = 'gpt-4.1';

let bench: SessionBench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

async function setUp(options: SessionBenchOptions = {}) {
  bench = await startSessionBench(options);
  const controller = new AbortController();
  const deferred: Array<() => Promise<void>> = [];
  const api: XipuApiOptions = { ...bench.api, signal: controller.signal };
  const open = (overrides: Partial<OpenUpstreamSessionOptions> = {}) =>
    openUpstreamSession({
      settings: { name: 'API · open test', model: MODEL, temperature: 1, maxToken: 0, presencePenalty: 0, frequencyPenalty: 0 },
      modelKnown: true,
      api,
      auth: bench!.auth,
      registry: bench!.registry,
      pacer: bench!.pacer,
      account: bench!.account,
      fresherThan: async () => undefined,
      call: { requestId: REQUEST_ID, signal: controller.signal, defer: (task) => void deferred.push(task) },
      now: Date.now,
      ...overrides,
    });
  return { bench, controller, open, deferred };
}

/** A session of this gateway a dead instance left upstream: recorded, its lease long over. */
async function leaveExpiredSession(harness: SessionBench): Promise<number> {
  const id = await createSession(harness.simulator, harness.auth.credentials);
  const longAgo = Date.now() - 600_000;
  await createSessionRegistry(harness.account, () => longAgo, 60_000).record({ id, owner: 'req_dead_instance', model: MODEL, createdAt: longAgo });
  await harness.afterUnpacedCall();
  return id;
}

describe('openUpstreamSession: the ordinary open', () => {
  it('creates the session upstream in one turn and records it with the request as owner and a lease ahead', async () => {
    const { bench, open } = await setUp();
    const openedAt = Date.now();
    const session = await open();

    const upstream = bench.simulator.state().sessions;
    expect(upstream).toEqual([expect.objectContaining({ id: session.sessionId, name: 'API · open test', model: MODEL, createdBy: 'api' })]);
    const [record] = await bench.registry.list();
    expect(await bench.registry.list()).toHaveLength(1);
    expect(record).toMatchObject({ id: session.sessionId, owner: REQUEST_ID, model: MODEL });
    expect(record!.createdAt).toBeGreaterThanOrEqual(openedAt);
    expect(record!.leaseUntil).toBeGreaterThan(Date.now());
    expect(await bench.registry.listExpired()).toEqual([]);
    expect(bench.turns.map((turn) => turn.call)).toEqual(['saveSession']);

    // What it returns owns the session: closing it deletes it upstream and in the registry.
    await session.close();
    expect(bench.upstreamIds()).toEqual([]);
    expect(await bench.registry.list()).toEqual([]);
    expect(bench.simulator.state().rateLimited).toBe(0);
  });

  it('a client gone while saveSession is in flight: the call is not cut, the session is recorded and returned for its delete', async () => {
    const { bench, open, controller } = await setUp();
    bench.simulator.injectFaults({ endpoint: 'saveSession', kind: 'slow-answer', ms: 300 });
    let abortedInFlight = false;
    bench.onCall((endpoint) => {
      if (endpoint !== 'saveSession') return;
      // Once the simulator has created the session (its answer still 300 ms away), the client leaves.
      void (async () => {
        for (let tries = 0; tries < 200 && bench.simulator.state().sessionsOpen === 0; tries += 1) await pause(5);
        controller.abort(new Error('client gone'));
        abortedInFlight = true;
      })();
    });

    const session = await open();
    expect(abortedInFlight).toBe(true);
    expect(bench.upstreamIds()).toEqual([session.sessionId]);
    expect((await bench.registry.list()).map((record) => record.id)).toEqual([session.sessionId]);
    await session.close();
    expect(bench.upstreamIds()).toEqual([]);
    expect(await bench.registry.list()).toEqual([]);
  });

  it('a client gone before its turn: rejects with its reason, and nothing is sent upstream or recorded', async () => {
    const { bench, open, controller } = await setUp();
    const reason = new Error('client gone early');
    controller.abort(reason);
    expect(await rejection(open())).toBe(reason);
    expect(bench.simulator.state().calls.saveSession).toBe(0);
    expect(await bench.registry.list()).toEqual([]);
  });

  it('a registry that cannot record: the session is still returned (only the sweep loses its safety net) and its close deletes it', async () => {
    const { bench, open } = await setUp();
    const failingStore: Store = { ...bench.store, hashSet: async () => Promise.reject(new Error('store down')) };
    const registry = createSessionRegistry(accountStore(failingStore), Date.now, 60_000);
    const session = await open({ registry });
    expect(bench.upstreamIds()).toEqual([session.sessionId]);
    expect(await registry.list()).toEqual([]);
    await session.close();
    expect(bench.upstreamIds()).toEqual([]);
  });
});

describe('openUpstreamSession: 429s on saveSession', () => {
  it('two 429s: each retried in a later turn, the third call succeeds and is recorded', async () => {
    const { bench, open } = await setUp();
    bench.simulator.injectFaults({ endpoint: 'saveSession', kind: 'status', status: 429, times: 2 });
    const session = await open();

    expect(bench.simulator.state().calls.saveSession).toBe(3);
    expect(bench.simulator.state().statusCounts['429']).toBe(2);
    expect(bench.turns.map((turn) => turn.call)).toEqual(['saveSession', 'saveSession', 'saveSession']);
    const slots = bench.turns.map((turn) => turn.slotAt);
    expect(slots[1]).toBeGreaterThan(slots[0]!);
    expect(slots[2]).toBeGreaterThan(slots[1]!);
    expect(bench.upstreamIds()).toEqual([session.sessionId]);
    expect((await bench.registry.list()).map((record) => record.id)).toEqual([session.sessionId]);
    await session.close();
  });

  it("three 429s, more than the budget: the gateway's 429, nothing created upstream or recorded", async () => {
    const { bench, open } = await setUp();
    bench.simulator.injectFaults({ endpoint: 'saveSession', kind: 'status', status: 429, times: 3 });
    const error = await rejection(open());

    expect(error).toMatchObject({ status: 429, code: 'upstream_rate_limited', retryable: true });
    expect(bench.simulator.state().calls.saveSession).toBe(3);
    expect(bench.upstreamIds()).toEqual([]);
    expect(await bench.registry.list()).toEqual([]);
  });

  it('the budget is one for the whole open: a 429 before the sweep counts against the retries after it', async () => {
    const { bench, open } = await setUp({ simulator: { sessionCap: 1 } });
    const leftover = await leaveExpiredSession(bench);
    // Call 1: a 429 (one retry spent). Call 2: the cap (the sweep deletes the leftover). Calls 3 and 4: 429s.
    bench.simulator.injectFaults({ endpoint: 'saveSession', kind: 'status', status: 429 });
    bench.onCall((endpoint, number) => {
      if (endpoint === 'saveSession' && number === 3) bench.simulator.injectFaults({ endpoint: 'saveSession', kind: 'status', status: 429, times: 2 });
    });

    const error = await rejection(open());
    expect(error).toMatchObject({ status: 429, code: 'upstream_rate_limited' });
    // A fresh budget after the sweep would have tried a fifth time.
    expect(bench.simulator.state().calls.saveSession).toBe(1 + 4); // the set-up's, then the open's four
    expect(bench.simulator.state().calls.delSession).toBe(1);
    expect(bench.upstreamIds()).not.toContain(leftover);
    expect(bench.upstreamIds()).toEqual([]);
    expect(await bench.registry.list()).toEqual([]);
  });
});

describe('openUpstreamSession: the session cap', () => {
  it('at the cap with an expired session of its own: one sweep deletes it, then saveSession again succeeds', async () => {
    const { bench, open } = await setUp({ simulator: { sessionCap: 1 } });
    const leftover = await leaveExpiredSession(bench);

    const session = await open();
    const state = bench.simulator.state();
    expect(state.calls.saveSession).toBe(1 + 2); // the set-up's, the refused one, the retry
    expect(state.delSessionBatches.idsPerCall).toEqual([1]);
    expect(bench.turns.map((turn) => turn.call)).toEqual(['saveSession', 'delSession', 'saveSession']);
    expect(bench.upstreamIds()).toEqual([session.sessionId]);
    expect(session.sessionId).not.toBe(leftover);
    expect((await bench.registry.list()).map((record) => record.id)).toEqual([session.sessionId]);
    expect(await readSweepRecord(bench.account)).toMatchObject({ deleted: 1, gone: 0, kept: 0, totalDeleted: 1 });
    expect(state.rateLimited).toBe(0);
    await session.close();
  });

  it('at the cap with nothing expired: sessionCapReached after a sweep that found nothing; nothing leaked or touched', async () => {
    const { bench, open } = await setUp({ simulator: { sessionCap: 2 } });
    const [browserChat] = bench.simulator.createBrowserSessions({ count: 1 });
    // Another request's live session: recorded with a lease still running, so not the sweep's.
    const live = await createSession(bench.simulator, bench.auth.credentials);
    await bench.registry.record({ id: live, owner: 'req_other_live', model: MODEL, createdAt: Date.now() });
    const [liveBefore] = await bench.registry.list();
    await bench.afterUnpacedCall();

    const error = await rejection(open());
    expect(error).toMatchObject({ status: 503, code: 'upstream_session_cap', retryAfterSeconds: 30 });
    expect((error as Error).message).toContain('You have created 2 sessions');
    const state = bench.simulator.state();
    expect(state.calls.saveSession).toBe(1 + 1); // the set-up's, then one refused: no retry without room
    expect(state.calls.delSession).toBe(0);
    expect(bench.upstreamIds().sort()).toEqual([browserChat, live].sort());
    expect(await bench.registry.list()).toEqual([liveBefore]);
  });

  it('the sweep made room but someone took it before the retry: sessionCapReached, and no second sweep', async () => {
    const { bench, open } = await setUp({ simulator: { sessionCap: 2 } });
    const leftover = await leaveExpiredSession(bench);
    // Another request's session, live when the open begins.
    const other = await createSession(bench.simulator, bench.auth.credentials);
    await bench.registry.record({ id: other, owner: 'req_other', model: MODEL, createdAt: Date.now() });
    await bench.afterUnpacedCall();
    const browserChats: number[] = [];
    // Just as the retry leaves, the owner opens a chat in the browser, and the other request's
    // delete fails (its lease ended): a second sweep would find it.
    bench.onCall(async (endpoint, number) => {
      if (endpoint !== 'saveSession' || number !== 2) return;
      browserChats.push(...bench.simulator.createBrowserSessions({ count: 1 }));
      await bench.registry.expire(other);
    });

    const error = await rejection(open());
    expect(error).toMatchObject({ status: 503, code: 'upstream_session_cap' });
    expect(browserChats).toHaveLength(1);
    const state = bench.simulator.state();
    expect(state.calls.saveSession).toBe(2 + 2); // the set-up's two, the open's refused two
    expect(state.delSessionBatches.idsPerCall).toEqual([1]);
    expect(bench.upstreamIds().sort()).toEqual([other, ...browserChats].sort());
    expect(bench.upstreamIds()).not.toContain(leftover);
    expect((await bench.registry.listExpired()).map((record) => record.id)).toEqual([other]);
  });
});

describe('openUpstreamSession: other refusals', () => {
  it.each([
    { modelKnown: false, status: 404, code: 'model_not_found', type: 'invalid_request_error', wording: "The model 'no-such-model' does not exist" },
    { modelKnown: true, status: 400, code: 'upstream_refused', type: 'invalid_request_error', wording: 'XIPU refused the request' },
  ])('a model XIPU does not offer, modelKnown $modelKnown: $status $code, no sweep, nothing recorded', async ({ modelKnown, status, code, type, wording }) => {
    const { bench, open } = await setUp();
    const error = await rejection(
      open({
        modelKnown,
        settings: { name: 'API · open test', model: 'no-such-model', temperature: 1, maxToken: 0, presencePenalty: 0, frequencyPenalty: 0 },
      }),
    );
    expect(error).toMatchObject({ status, code, type });
    expect((error as Error).message).toContain(wording);
    // XIPU's own words travel with it.
    expect((error as Error).message).toContain('Model no-such-model is not available');
    expect(bench.simulator.state().calls).toEqual({ saveSession: 1, completions: 0, delSession: 0 });
    expect(bench.upstreamIds()).toEqual([]);
    expect(await bench.registry.list()).toEqual([]);
  });
});
