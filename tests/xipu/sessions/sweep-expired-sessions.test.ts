import { afterEach, describe, expect, it } from 'vitest';
import { createPacer, type Pacer, type UpstreamCall } from '@/lib/pacing/pacer';
import { createSessionRegistry } from '@/lib/xipu/sessions/session-registry';
import { MAX_SINGLE_DELETES_PER_SWEEP, sweepExpiredSessionsWithOutcome } from '@/lib/xipu/sessions/sweep-expired-sessions';
import { readSweepRecord } from '@/lib/xipu/sessions/sweep-record';
import type { XipuApiOptions } from '@/lib/xipu/api/xipu-api';
import { startSimulator, type Fault, type SimulatorHandle, type SimulatorOptions } from '@/simulator/start-simulator';
import { storeKeys } from '@/lib/store/keys';
import { createMemoryStore } from '@/lib/store/memory-store';
import { callApi, createSession, type Credentials } from '@/tests/simulator/simulator-client';
import { accountStore } from '@/lib/xipu/account/account-store';
import { DEFAULT_ACCOUNT_ID, xipuAccountKeys } from '@/lib/xipu/account/account-keys';
import { recordStoreCalls } from '@/tests/pacing/record-store-calls';
import { readSortedSet } from '@/tests/support/read-sorted-set';

const DEFAULT_KEYS = xipuAccountKeys(DEFAULT_ACCOUNT_ID);

/** The simulator's own limit, and the schedule's gap just above it: a paced delete never meets a 429. */
const SIMULATOR_GAP_MS = 20;
const SCHEDULE_GAP_MS = 35;

/**
 * The real shared schedule (on a memory store), recording every turn it hands out. (The
 * schedule itself is tested in tests/pacing; here what matters is that every upstream call
 * of the sweep takes a turn.)
 */
function createRecordingPacer(onTurn?: () => Promise<void>) {
  const turns: UpstreamCall[] = [];
  const recorded = recordStoreCalls(createMemoryStore());
  const key = 'sweep-test:pacer';
  const pacer = createPacer({
    store: recorded.store,
    key,
    gapMs: SCHEDULE_GAP_MS,
    allowanceMs: 20,
    maxWaitMs: 10_000,
    serializeStreams: false,
  });
  const recording: Pacer & { turns: UpstreamCall[] } = {
    turns,
    async waitForTurn(call, options) {
      const turn = await pacer.waitForTurn(call, options);
      turns.push(call);
      await onTurn?.();
      return turn;
    },
    earliestStart: () => pacer.earliestStart(),
  };
  /** The schedule's slots (token, slotAt). */
  const slots = () => readSortedSet(recorded.store, `${key}:slots`);
  return Object.assign(recording, { schedule: recorded, slots });
}

let simulator: SimulatorHandle;
afterEach(async () => {
  await simulator?.close();
});

/**
 * A simulator with one gateway session per entry of `layout` ('live': it exists upstream;
 * 'gone': the owner already deleted it in the web history), all recorded in the gateway's
 * registry with lapsed leases, oldest first in that order.
 */
async function setUp(
  layout: Array<'live' | 'gone'>,
  options: SimulatorOptions = {},
  hooks: { beforeDelete?: (call: number) => void | Promise<void>; onTurn?: () => Promise<void> } = {},
) {
  simulator = await startSimulator({ minGapMs: 0, chunkDelayMs: 0, ...options });
  const credentials: Credentials = simulator.mintCredentials();
  const ids: number[] = [];
  for (const kind of layout) {
    const id = await createSession(simulator, credentials);
    if (kind === 'gone') await callApi(simulator, 'delSession', { ids: [id] }, credentials);
    ids.push(id);
  }
  simulator.setOptions({ minGapMs: SIMULATOR_GAP_MS });
  // The set-up's own calls were unpaced: leave the account a gap before the sweep's first call.
  await new Promise((resolve) => setTimeout(resolve, SCHEDULE_GAP_MS));
  const setUpDeletes = simulator.state().delSessionBatches.calls;

  const store = createMemoryStore();
  const registry = createSessionRegistry(accountStore(store), Date.now, 60_000);
  const longAgo = Date.now() - 600_000;
  await store.hashSet(
    DEFAULT_KEYS.upstreamSessions,
    Object.fromEntries(ids.map((id, index) => [String(id), JSON.stringify({ owner: `req_${index}`, model: 'gpt-4.1', createdAt: longAgo + index, leaseUntil: longAgo + index })])),
  );
  const pacer = createRecordingPacer(hooks.onTurn);
  let deleteCalls = 0;
  const api: XipuApiOptions = {
    apiBase: simulator.apiBase,
    portalUrl: simulator.portalUrl,
    credentials,
    firstByteTimeoutMs: 5_000,
    idleTimeoutMs: 5_000,
    // Sees each delSession as it leaves, so a test can queue a fault for exactly that call.
    fetch: async (input, init) => {
      deleteCalls += 1;
      await hooks.beforeDelete?.(deleteCalls);
      return fetch(input, init);
    },
  };
  const sweep = () => sweepExpiredSessionsWithOutcome({ registry, pacer, api, account: accountStore(store) });
  const recorded = async () => Object.keys(await store.hashGetAll(DEFAULT_KEYS.upstreamSessions)).map(Number);
  const upstream = () => simulator.state().sessions.map((session) => session.id);
  /** The ids per delSession call the sweeps made (the set-up's deletes left out). */
  const sweepBatches = () => simulator.state().delSessionBatches.idsPerCall.slice(setUpDeletes);
  return { ids, sweep, recorded, upstream, sweepBatches, store, pacer };
}

describe('sweepExpiredSessions when XIPU refuses the batch', () => {
  it('deletes the known ids one by one, forgets the one the owner deleted, and the next sweep sends nothing', async () => {
    const { ids, sweep, recorded, upstream, sweepBatches, store, pacer } = await setUp(['live', 'gone', 'live', 'live'], { delSessionUnknownIds: 'refuse' });
    const [first, gone, third, fourth] = ids as [number, number, number, number];

    const outcome = await sweep();
    expect(outcome).toEqual({ deleted: [first, third, fourth], gone: [gone], kept: [], batchRefused: 'Session not found' });
    expect(upstream()).toEqual([]);
    expect(await recorded()).toEqual([]);
    // The refused batch, then one paced call per id, none of them too fast for the account.
    expect(sweepBatches()).toEqual([4, 1, 1, 1, 1]);
    expect(pacer.turns).toEqual(Array(5).fill('delSession'));
    expect(simulator.state().rateLimited).toBe(0);
    expect(await readSweepRecord(accountStore(store))).toMatchObject({ deleted: 3, gone: 1, kept: 0, totalDeleted: 3 });

    expect(await sweep()).toEqual({ deleted: [], gone: [], kept: [] });
    expect(sweepBatches()).toHaveLength(5);
    expect(pacer.turns).toHaveLength(5);
  });

  it('another sweep deleted some meanwhile: only what is still recorded is tried one by one', async () => {
    const harness = await setUp(['live', 'live', 'live'], { delSessionUnknownIds: 'refuse' }, {
      // Just before this sweep's batch leaves, another instance's sweep deletes the first two
      // and forgets them.
      beforeDelete: async (call) => {
        if (call !== 1) return;
        const [first, second] = harness.ids as [number, number];
        await callApi(simulator, 'delSession', { ids: [first, second] }, simulator.mintCredentials());
        await harness.store.hashDelete(DEFAULT_KEYS.upstreamSessions, String(first), String(second));
        // That other call was unpaced: this batch leaves one simulator gap later, so it meets a
        // refusal, not a 429 (whose retry lists the registry again and sends only the third).
        await new Promise((resolve) => setTimeout(resolve, SIMULATOR_GAP_MS));
      },
    });
    const outcome = await harness.sweep();
    expect(outcome).toMatchObject({ deleted: [harness.ids[2]], gone: [], kept: [] });
    // The other sweep's batch of 2, this one's refused batch of 3, then one single delete.
    expect(harness.sweepBatches()).toEqual([2, 3, 1]);
    expect(await harness.recorded()).toEqual([]);
  });

  it('forgets a lone gone id from the refused batch itself, without a second call', async () => {
    const { ids, sweep, recorded, sweepBatches } = await setUp(['gone'], { delSessionUnknownIds: 'refuse' });
    expect(await sweep()).toEqual({ deleted: [], gone: ids, kept: [], batchRefused: 'Session not found' });
    expect(await recorded()).toEqual([]);
    expect(sweepBatches()).toEqual([1]);
  });

  it(`tries at most ${MAX_SINGLE_DELETES_PER_SWEEP} ids per sweep; the next sweeps go on with the rest`, async () => {
    const layout = [...Array<'live'>(MAX_SINGLE_DELETES_PER_SWEEP + 1).fill('live'), 'gone' as const, 'live' as const];
    const { ids, sweep, recorded, upstream, sweepBatches } = await setUp(layout, { delSessionUnknownIds: 'refuse' });

    const first = await sweep();
    expect(first.deleted).toEqual(ids.slice(0, MAX_SINGLE_DELETES_PER_SWEEP));
    expect(first.kept).toEqual(ids.slice(MAX_SINGLE_DELETES_PER_SWEEP));
    expect(sweepBatches()).toEqual([layout.length, ...Array(MAX_SINGLE_DELETES_PER_SWEEP).fill(1)]);

    // Still refused (the gone id is among the rest): the remaining three one by one.
    const second = await sweep();
    expect(second).toMatchObject({ deleted: [ids[5], ids[7]], gone: [ids[6]], kept: [] });
    expect(await recorded()).toEqual([]);
    expect(upstream()).toEqual([]);
  });
});

describe('sweepExpiredSessions keeps an id whose delete failed for another reason', () => {
  const batchRefusal: Fault = { endpoint: 'delSession', kind: 'refuse', msg: 'System busy' };
  it.each<[string, Fault, 'continues' | 'stops']>([
    ['a refusal with another message', { endpoint: 'delSession', kind: 'refuse', msg: 'Permission denied' }, 'continues'],
    ['a 403 (token)', { endpoint: 'delSession', kind: 'status', status: 403 }, 'stops'],
    ['a 500 token error', { endpoint: 'delSession', kind: 'status', status: 500 }, 'stops'],
  ])('%s on the second single delete: that id is kept for a later sweep', async (_name, fault, after) => {
    const { ids, sweep, recorded, upstream } = await setUp(['live', 'live', 'live'], {}, {
      beforeDelete: (call) => {
        if (call === 1) simulator.injectFaults(batchRefusal);
        if (call === 3) simulator.injectFaults(fault);
      },
    });
    const [first, second, third] = ids as [number, number, number];

    const outcome = await sweep();
    if (after === 'continues') {
      expect(outcome).toEqual({ deleted: [first, third], gone: [], kept: [second], batchRefused: 'System busy' });
    } else {
      // A failure of the account, not of the id: the rest are not tried (no retry storm).
      expect(outcome).toEqual({ deleted: [first], gone: [], kept: [second, third], batchRefused: 'System busy' });
      expect(simulator.state().calls.delSession).toBe(3); // the batch and two single deletes
    }
    expect((await recorded()).sort()).toEqual(outcome.kept.sort());
    expect(upstream().sort()).toEqual(outcome.kept.sort());

    // The next sweep deletes what was kept, in one batch again.
    expect(await sweep()).toEqual({ deleted: outcome.kept, gone: [], kept: [] });
    expect(await recorded()).toEqual([]);
  });
});

describe('sweepExpiredSessions when nothing is left once its turn comes', () => {
  it('gives the slot back at once: no delSession, the schedule no longer holds its token, and answering writes nothing', async () => {
    let slotsAtTurn: Array<[string, number]> = [];
    const harness = await setUp(['live', 'live'], {}, {
      // The turn is granted, and meanwhile another instance's sweep deleted and forgot both.
      onTurn: async () => {
        slotsAtTurn = await harness.pacer.slots();
        await harness.store.hashDelete(DEFAULT_KEYS.upstreamSessions, ...harness.ids.map(String));
      },
    });

    expect(await harness.sweep()).toEqual({ deleted: [], gone: [], kept: [] });
    expect(harness.pacer.turns).toEqual(['delSession']);
    expect(harness.sweepBatches()).toEqual([]);
    // The slot was booked for this turn, and is gone right after: no request waits behind an empty turn.
    expect(slotsAtTurn).toHaveLength(1);
    const [[token]] = slotsAtTurn as [[string, number]];
    expect(harness.pacer.schedule.cancels).toEqual([token]);
    expect((await harness.pacer.slots()).map(([member]) => member)).not.toContain(token);
    // The turn was answered after it was given back (pacedXipuCall always answers): nothing written.
    expect(harness.pacer.schedule.releases).toEqual([]);
  });
});
