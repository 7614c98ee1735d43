import type { Pacer } from '@/lib/pacing/pacer';
import { isSessionGoneMessage } from '../api/is-session-gone-message';
import { pacedXipuCall } from './paced-xipu-call';
import { deleteSessions, type XipuApiOptions } from '../api/xipu-api';

/** What became of each id given to deleteSessionsOneByOne. */
export interface OneByOneDeleteOutcome {
  deleted: number[];
  /** XIPU said the session does not exist (deleted by the owner in the web history). */
  gone: number[];
  /** Refused for another reason, or not tried (limit reached, stopped): still to delete. */
  kept: number[];
  /** Why the deletes stopped before the end of the list, when they did. */
  stoppedBy?: string;
}

/**
 * Deletes sessions with one single-id delSession call each, every call in its own turn of the
 * account's schedule (pacedXipuCall), trying at most `limit` ids in the order given.
 *
 * A refusal saying the session does not exist marks that id gone; any other refusal keeps it
 * and goes on to the next. A thrown failure — 403/"token error", network, 5xx, the schedule
 * full (`upstream_busy`), an abort — is the account's or the connection's, not the id's: the
 * next calls would fail alike, so it stops there and keeps the rest untried (no retry storm).
 *
 * @returns every id in exactly one of deleted, gone, kept. Never throws.
 */
export async function deleteSessionsOneByOne(
  ids: readonly number[],
  options: { pacer: Pacer; api: XipuApiOptions; limit: number; background?: boolean },
): Promise<OneByOneDeleteOutcome> {
  const outcome: OneByOneDeleteOutcome = { deleted: [], gone: [], kept: [] };
  let index = 0;
  for (; index < ids.length && index < options.limit; index += 1) {
    const id = ids[index] as number;
    try {
      const reply = await pacedXipuCall(options.pacer, 'delSession', () => deleteSessions([id], options.api), {
        signal: options.api.signal,
        background: options.background,
      });
      if (reply.ok) outcome.deleted.push(id);
      else if (isSessionGoneMessage(reply.message)) outcome.gone.push(id);
      else outcome.kept.push(id);
    } catch (error) {
      outcome.stoppedBy = error instanceof Error ? error.message : String(error);
      break;
    }
  }
  outcome.kept.push(...ids.slice(index));
  return outcome;
}
