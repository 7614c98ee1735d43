import { afterEach, describe, expect, it } from 'vitest';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import { openCompletions } from '@/lib/xipu/api/xipu-api';
import { createSessionLifecycle, type SessionLifecycleContext } from '@/lib/xipu/sessions/session-lifecycle';
import { callApi, createSession } from '@/tests/simulator/simulator-client';
import { pause, startSessionBench, type SessionBench, type SessionBenchOptions } from './start-session-bench';

/**
 * createSessionLifecycle on a session that exists in the simulator and in the real registry:
 * what its close() does upstream and to the record on each path, how endStream() frees a
 * stream's connection and hold, and what its lease renewal writes.
 */

const REQUEST_ID = 'req_lifecycle_test';
const MODEL = 'gpt-4.1';

let bench: SessionBench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

/**
 * A bench with one session created upstream (unpaced, by the test) and recorded as this
 * request's, and the lifecycle that owns it. `fresherThan` records what it was asked.
 */
async function setUp(options: SessionBenchOptions & { fresher?: (bench: SessionBench) => StoredCredentials | undefined } = {}) {
  bench = await startSessionBench(options);
  const sessionId = await createSession(bench.simulator, bench.auth.credentials);
  await bench.registry.record({ id: sessionId, owner: REQUEST_ID, model: MODEL, createdAt: Date.now() });
  await bench.afterUnpacedCall();
  const askedFresherThan: string[] = [];
  const context: SessionLifecycleContext = {
    sessionId,
    registry: bench.registry,
    pacer: bench.pacer,
    api: bench.api,
    auth: bench.auth,
    requestId: REQUEST_ID,
    model: MODEL,
    now: Date.now,
    fresherThan: async (rejected) => {
      askedFresherThan.push(rejected.jmToken);
      return options.fresher?.(bench!);
    },
  };
  const lifecycle = createSessionLifecycle(context);
  const initialToken = bench.auth.credentials.jmToken;
  const recordedIds = async () => (await bench!.registry.list()).map((record) => record.id);
  const expiredIds = async () => (await bench!.registry.listExpired()).map((record) => record.id);
  return { bench, sessionId, lifecycle, askedFresherThan, initialToken, recordedIds, expiredIds };
}

describe('close(): the delete', () => {
  it('deletes upstream exactly once and forgets the record, however often it is called', async () => {
    const { bench, sessionId, lifecycle, recordedIds } = await setUp();
    expect(await recordedIds()).toEqual([sessionId]);

    const first = lifecycle.close();
    const concurrent = lifecycle.close();
    await Promise.all([first, concurrent]);
    await lifecycle.close();

    const state = bench.simulator.state();
    expect(state.delSessionBatches.idsPerCall).toEqual([1]);
    expect(state.sessionsDeleted).toBe(1);
    expect(bench.upstreamIds()).toEqual([]);
    expect(await recordedIds()).toEqual([]);
    expect(bench.turns.map((turn) => turn.call)).toEqual(['delSession']);
  });

  it('works detached from its object, as call.defer(session.close) hands it on', async () => {
    const { bench, lifecycle, recordedIds } = await setUp();
    const { close, endStream } = lifecycle;
    await endStream();
    await close();

    expect(bench.simulator.state().sessionsDeleted).toBe(1);
    expect(bench.upstreamIds()).toEqual([]);
    expect(await recordedIds()).toEqual([]);
  });

  it('a session the owner already deleted in the web history: forgotten without error, not left to the sweep', async () => {
    const { bench, sessionId, lifecycle, recordedIds } = await setUp({ simulator: { delSessionUnknownIds: 'refuse' } });
    const ownerDelete = await callApi(bench.simulator, 'delSession', { ids: [sessionId] }, bench.auth.credentials);
    expect(await ownerDelete.json()).toEqual({ code: 0, msg: 'success' });
    await bench.afterUnpacedCall();

    await expect(lifecycle.close()).resolves.toBeUndefined();
    // The owner's delete, then this one, refused with "Session not found".
    expect(bench.simulator.state().delSessionBatches.idsPerCall).toEqual([1, 1]);
    expect(await recordedIds()).toEqual([]);
  });

  it('a refusal for another reason: the session stays upstream and recorded, its lease ended for the sweep', async () => {
    const { bench, sessionId, lifecycle, recordedIds, expiredIds } = await setUp();
    bench.simulator.injectFaults({ endpoint: 'delSession', kind: 'refuse', msg: 'Permission denied' });

    await expect(lifecycle.close()).resolves.toBeUndefined();
    expect(bench.upstreamIds()).toEqual([sessionId]);
    expect(await recordedIds()).toEqual([sessionId]);
    expect(await expiredIds()).toEqual([sessionId]);
  });

  it('a failure that is not the token (a 502): no fresher credentials asked for, the lease ended', async () => {
    const { bench, sessionId, lifecycle, askedFresherThan, expiredIds } = await setUp();
    bench.simulator.injectFaults({ endpoint: 'delSession', kind: 'status', status: 502, body: 'Bad gateway' });

    await lifecycle.close();
    expect(askedFresherThan).toEqual([]);
    expect(bench.simulator.state().calls.delSession).toBe(1);
    expect(bench.upstreamIds()).toEqual([sessionId]);
    expect(await expiredIds()).toEqual([sessionId]);
  });

  it('a 429 on the delete: retried in a later turn, then deleted and forgotten', async () => {
    const { bench, lifecycle, recordedIds } = await setUp();
    bench.simulator.injectFaults({ endpoint: 'delSession', kind: 'status', status: 429 });

    await lifecycle.close();
    expect(bench.simulator.state().calls.delSession).toBe(2);
    expect(bench.turns.map((turn) => turn.call)).toEqual(['delSession', 'delSession']);
    expect(bench.turns[1]!.slotAt).toBeGreaterThan(bench.turns[0]!.slotAt);
    expect(bench.upstreamIds()).toEqual([]);
    expect(await recordedIds()).toEqual([]);
  });
});

describe('close(): a token XIPU rejects', () => {
  it('retries once with the fresher pair fresherThan gives, deletes, and keeps that pair as current', async () => {
    let fresher: StoredCredentials | undefined;
    const { bench, lifecycle, askedFresherThan, initialToken, recordedIds } = await setUp({
      fresher: (harness) => (fresher = harness.storedCredentials()),
    });
    bench.simulator.injectFaults({ kind: 'expire-tokens' });

    await lifecycle.close();
    expect(askedFresherThan).toEqual([initialToken]);
    expect(bench.simulator.state().calls.delSession).toBe(2);
    expect(bench.simulator.state().statusCounts['403']).toBe(1);
    expect(bench.upstreamIds()).toEqual([]);
    expect(await recordedIds()).toEqual([]);
    expect(fresher).toBeDefined();
    expect(bench.auth.credentials).toBe(fresher);
  });

  it('no fresher pair: the session stays recorded with its lease ended (listExpired has it)', async () => {
    const { bench, sessionId, lifecycle, askedFresherThan, initialToken, expiredIds } = await setUp({ fresher: () => undefined });
    bench.simulator.injectFaults({ kind: 'expire-tokens' });

    await expect(lifecycle.close()).resolves.toBeUndefined();
    expect(askedFresherThan).toEqual([initialToken]);
    expect(bench.simulator.state().calls.delSession).toBe(1);
    expect(bench.upstreamIds()).toEqual([sessionId]);
    expect(await expiredIds()).toEqual([sessionId]);
    expect(bench.auth.credentials.jmToken).toBe(initialToken);
  });

  it('the fresher pair is rejected too: no third try, the lease ended', async () => {
    const { bench, sessionId, lifecycle, askedFresherThan, expiredIds } = await setUp({
      fresher: (harness) => harness.storedCredentials(0), // already expired
    });
    bench.simulator.injectFaults({ kind: 'expire-tokens' });

    await lifecycle.close();
    expect(askedFresherThan).toHaveLength(1);
    expect(bench.simulator.state().calls.delSession).toBe(2);
    expect(bench.upstreamIds()).toEqual([sessionId]);
    expect(await expiredIds()).toEqual([sessionId]);
  });
});

describe('endStream(): the stream is over', () => {
  /** A completions stream of the session, in a turn that holds the account (serialised streams), owned by the lifecycle. */
  async function openHeldStream(harness: SessionBench, lifecycle: ReturnType<typeof createSessionLifecycle>) {
    const turn = await harness.schedule.waitForTurn('completions', { holdStream: true });
    lifecycle.holdWith(turn);
    const opened = await openCompletions(lifecycle.sessionId, 'SIM-DELAY: 20\nSIM-LONG: 400', harness.api);
    await turn.answered();
    let aborts = 0;
    lifecycle.attachUpstream((reason) => {
      aborts += 1;
      opened.abort(reason);
    });
    return { turn, aborts: () => aborts };
  }

  it('closes the upstream connection and releases the held turn', async () => {
    const { bench, lifecycle } = await setUp({ serializeStreams: true });
    const { turn, aborts } = await openHeldStream(bench, lifecycle);
    expect(bench.simulator.state().openStreams).toBe(1);
    expect((await bench.pacer.earliestStart()).holdUntil).toBeDefined();

    await lifecycle.endStream();
    expect(aborts()).toBe(1);
    expect((await bench.pacer.earliestStart()).holdUntil).toBeUndefined();
    expect(await turn.renewHold()).toBe(false); // the hold is gone, not merely lapsing
    await expect.poll(() => bench.simulator.state().abortedStreams, { timeout: 2_000 }).toBe(1);
    expect(bench.simulator.state()).toMatchObject({ openStreams: 0, completedStreams: 0 });

    // The session itself is still there until close().
    expect(bench.upstreamIds()).toEqual([lifecycle.sessionId]);
    await lifecycle.endStream(); // a second end is harmless
    await lifecycle.close();
    expect(bench.upstreamIds()).toEqual([]);
  });

  it('close() without endStream() first ends the stream, so its own delete is not kept waiting by its hold', async () => {
    // A hold outlasting the wait: a delete queued behind it would fail with upstream_busy.
    const { bench, lifecycle, recordedIds } = await setUp({ serializeStreams: true, maxWaitMs: 2_000 });
    const { aborts } = await openHeldStream(bench, lifecycle);

    await lifecycle.close();
    expect(aborts()).toBeGreaterThanOrEqual(1);
    expect(bench.upstreamIds()).toEqual([]);
    expect(await recordedIds()).toEqual([]);
    expect((await bench.pacer.earliestStart()).holdUntil).toBeUndefined();
  });
});

describe('renewals while the lifecycle lives', () => {
  // A 300 ms lease: renewed when a third of it has passed, checked about every 100 ms.
  const LEASE_MS = 300;
  const leaseOf = async (harness: SessionBench, id: number) => (await harness.registry.list()).find((record) => record.id === id)?.leaseUntil;

  it("the record's lease moves forward while alive; after close() nothing writes it back", async () => {
    const { bench, sessionId, lifecycle, recordedIds } = await setUp({ leaseMs: LEASE_MS });
    const first = await leaseOf(bench, sessionId);
    expect(first).toBeDefined();
    await expect.poll(() => leaseOf(bench, sessionId), { timeout: 5_000, interval: 20 }).toBeGreaterThan(first!);
    const second = (await leaseOf(bench, sessionId))!;
    await expect.poll(() => leaseOf(bench, sessionId), { timeout: 5_000, interval: 20 }).toBeGreaterThan(second);
    // Kept alive past its first lease: never listed as expired meanwhile.
    expect(await bench.registry.listExpired()).toEqual([]);

    await lifecycle.close();
    expect(await recordedIds()).toEqual([]);
    await pause(4 * LEASE_MS); // a dozen renewal periods
    expect(await recordedIds()).toEqual([]);
  });

  it('after a close() that could not delete, the ended lease stays ended', async () => {
    const { bench, sessionId, lifecycle, expiredIds } = await setUp({ leaseMs: LEASE_MS });
    bench.simulator.injectFaults({ endpoint: 'delSession', kind: 'status', status: 502 });
    await lifecycle.close();
    expect(await expiredIds()).toEqual([sessionId]);
    const ended = await leaseOf(bench, sessionId);

    await pause(4 * LEASE_MS);
    expect(await expiredIds()).toEqual([sessionId]);
    expect(await leaseOf(bench, sessionId)).toBe(ended);
  });

  it("a held turn's hold is renewed while alive, beyond its own lease", async () => {
    const { bench, lifecycle } = await setUp({ leaseMs: LEASE_MS, serializeStreams: true, holdLeaseMs: 1_000 });
    const turn = await bench.schedule.waitForTurn('completions', { holdStream: true });
    await turn.answered();
    lifecycle.holdWith(turn);
    const firstHold = (await bench.pacer.earliestStart()).holdUntil;
    expect(firstHold).toBeDefined();

    await expect.poll(async () => (await bench.pacer.earliestStart()).holdUntil, { timeout: 5_000, interval: 20 }).toBeGreaterThan(firstHold!);
    await lifecycle.close();
    expect((await bench.pacer.earliestStart()).holdUntil).toBeUndefined();
  });
});
