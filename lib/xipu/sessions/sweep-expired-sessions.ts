import type { Pacer } from '@/lib/pacing/pacer';
import { logEvent } from '@/lib/log/log-event';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import { deleteSessionsOneByOne } from './delete-sessions-one-by-one';
import { isSessionGoneMessage } from '../api/is-session-gone-message';
import { pacedXipuCall } from './paced-xipu-call';
import type { SessionRegistry } from './session-registry';
import { recordSweep } from './sweep-record';
import { deleteSessions, type XipuApiOptions } from '../api/xipu-api';

/**
 * Ids tried one by one after XIPU refused a batch, per sweep. A refused batch typically holds
 * one or a few ids the owner deleted in the web history; five clears that at once while
 * bounding what the fallback adds to a sweep to five paced turns (about 6 s at the default
 * 1 s gap + allowance, docs/xipu-protocol §3) — affordable even for a chat that waits on the
 * sweep at the session cap. The rest stay recorded and the next sweep goes on with them.
 */
export const MAX_SINGLE_DELETES_PER_SWEEP = 5;

export interface SweepOptions {
  registry: SessionRegistry;
  pacer: Pacer;
  api: XipuApiOptions;
  excludeIds?: number[];
  /** Where to keep the sweep's totals for the admin page. */
  account?: AccountStore;
  /**
   * Take background turns (WaitForTurnOptions.background): the batched delete of a chat's
   * end, which only goes when no request waits; `upstream_busy` when it got no turn.
   */
  background?: boolean;
}

/** What one sweep did with the expired sessions it found (ids another sweep forgot meanwhile are in none). */
export interface SweepOutcome {
  /** Deleted upstream and forgotten. */
  deleted: number[];
  /** XIPU said they no longer exist: forgotten without a delete. */
  gone: number[];
  /** Not deleted (refused for another reason, or not tried this time): still recorded. */
  kept: number[];
  /** XIPU's message when it refused the batch (the ids were then tried one by one). */
  batchRefused?: string;
}

/**
 * Deletes, in one batched delSession call, every recorded session whose owner's lease has
 * lapsed (a crashed instance's, or one whose cleanup failed). Live sessions, the heartbeat
 * session and sessions the gateway did not create are never in that list.
 *
 * When XIPU refuses the batch (`code != 0`, e.g. it lists a session the owner already deleted
 * in the web history), the ids are deleted one by one (deleteSessionsOneByOne, at most
 * MAX_SINGLE_DELETES_PER_SWEEP per sweep): those deleted or said to be gone are forgotten, the
 * others stay recorded for a later sweep — so one gone id never blocks the sweep for good.
 * Logged, and with `account` recorded for the admin page (not when nothing had expired).
 *
 * @returns what became of each expired id.
 * @throws what the batch call throws (403/"token error", network, the schedule full): nothing
 *   is forgotten then, since every id would fail alike.
 */
export async function sweepExpiredSessionsWithOutcome(options: SweepOptions): Promise<SweepOutcome> {
  const excluded = new Set(options.excludeIds ?? []);
  const listExpiredIds = async () => (await options.registry.listExpired()).map((record) => record.id).filter((id) => !excluded.has(id));
  if ((await listExpiredIds()).length === 0) return { deleted: [], gone: [], kept: [] };
  const turnOptions = { signal: options.api.signal, background: options.background };
  // Listed again once the turn came, not only before the wait: sweeps that queued at once (the
  // ends of chats on several instances, the keep-alive) would otherwise each send the same ids,
  // the later ones in turns of their own for sessions the first had deleted and forgotten.
  let ids: number[] = [];
  const reply = await pacedXipuCall(
    options.pacer,
    'delSession',
    async (turn) => {
      ids = await listExpiredIds();
      if (ids.length > 0) return await deleteSessions(ids, options.api);
      // Nothing left to send: the slot goes back, so no request waits behind an empty turn.
      await turn.giveBack();
      return undefined;
    },
    turnOptions,
  );
  if (reply === undefined) return { deleted: [], gone: [], kept: [] };

  let outcome: SweepOutcome;
  if (reply.ok) {
    outcome = { deleted: ids, gone: [], kept: [] };
  } else if (ids.length === 1) {
    // A refused batch of one is already the single-id answer: no second call for it.
    const gone = isSessionGoneMessage(reply.message);
    outcome = { deleted: [], gone: gone ? ids : [], kept: gone ? [] : ids, batchRefused: reply.message };
  } else {
    logEvent('warn', 'sweep_batch_refused', { sessions: ids.length, upstreamMessage: reply.message });
    // Another sweep (another instance at the session cap, the keep-alive) may have deleted and
    // forgotten some of them meanwhile — the likely reason the batch was refused: try only
    // what is still recorded, not five paced calls to learn they are gone.
    const stillRecorded = new Set((await options.registry.listExpired()).map((record) => record.id));
    const remaining = ids.filter((id) => stillRecorded.has(id));
    const oneByOne = await deleteSessionsOneByOne(remaining, {
      pacer: options.pacer,
      api: options.api,
      limit: MAX_SINGLE_DELETES_PER_SWEEP,
      background: options.background,
    });
    if (oneByOne.stoppedBy !== undefined) logEvent('warn', 'sweep_one_by_one_stopped', { error: oneByOne.stoppedBy });
    outcome = { deleted: oneByOne.deleted, gone: oneByOne.gone, kept: oneByOne.kept, batchRefused: reply.message };
  }

  await options.registry.forget(...outcome.deleted, ...outcome.gone);
  const counts = { deleted: outcome.deleted.length, gone: outcome.gone.length, kept: outcome.kept.length };
  logEvent(outcome.kept.length > 0 ? 'warn' : 'info', 'sessions_swept', {
    sessions: ids.length,
    ...counts,
    batchRefused: outcome.batchRefused !== undefined,
    upstreamMessage: outcome.batchRefused,
  });
  if (options.account) await recordSweep(options.account, counts);
  return outcome;
}

/**
 * The sweep (sweepExpiredSessionsWithOutcome) for callers that need only what it freed.
 * @returns the ids deleted upstream (gone ones freed no room under the session cap).
 * @throws as sweepExpiredSessionsWithOutcome.
 */
export async function sweepExpiredSessions(options: SweepOptions): Promise<number[]> {
  return (await sweepExpiredSessionsWithOutcome(options)).deleted;
}
