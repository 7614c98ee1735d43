import type { SessionRecord } from '@/lib/xipu/sessions/session-registry';
import type { SweepRecord } from '@/lib/xipu/sessions/sweep-record';
import { maskSessionId } from '@/lib/xipu/api/mask-session-id';
import { formatRelative } from '../format-time';
import type { PanelState } from '../status-level';

export interface SessionView {
  maskedId: string;
  model: string;
  /** The request that created it (a request id: not a secret). */
  owner: string;
  createdAt: number;
  leaseUntil: number;
}

export interface SessionsPanel extends PanelState {
  open: SessionView[];
  /**
   * Lease lapsed and not deleted: its chat is over and it waits for the next batched delete,
   * or its owner crashed or its delete failed; the batched delete or the sweep takes them.
   */
  expired: SessionView[];
  sweep?: SweepRecord;
  leaseMs: number;
  /** SESSION_DELETE_BATCH: fewer expired sessions than this are the delete queue filling up, not left behind. */
  deleteBatchSize: number;
}

/** XIPU's per-account cap (docs/xipu-protocol "Session cap"); this many leftovers is a real risk. */
const SESSION_CAP = 50;
const EXPIRED_RED_THRESHOLD = 20;

/**
 * The gateway's own upstream sessions, from its registry. XIPU has no endpoint that lists an
 * account's sessions, so this is only what the gateway itself recorded: the owner's browser
 * chats and the heartbeat session are not here.
 */
export function describeSessionsPanel(input: { records: SessionRecord[]; sweep?: SweepRecord; leaseMs: number; deleteBatchSize: number; now: number }): SessionsPanel {
  const { records, now } = input;
  const view = (record: SessionRecord): SessionView => ({
    maskedId: maskSessionId(record.id),
    model: record.model,
    owner: record.owner,
    createdAt: record.createdAt,
    leaseUntil: record.leaseUntil,
  });
  const open = records.filter((record) => record.leaseUntil > now).map(view);
  const expired = records.filter((record) => record.leaseUntil <= now).map(view);
  const base = { open, expired, sweep: input.sweep, leaseMs: input.leaseMs, deleteBatchSize: input.deleteBatchSize };
  const sweptNote = input.sweep ? ` Last sweep ${formatRelative(input.sweep.at, now)}: ${input.sweep.deleted} deleted.` : '';
  if (expired.length >= EXPIRED_RED_THRESHOLD) {
    return { ...base, level: 'red', reason: `${expired.length} sessions were left behind (XIPU allows ${SESSION_CAP}): sweep them now.${sweptNote}` };
  }
  if (expired.length >= input.deleteBatchSize) {
    return { ...base, level: 'amber', reason: `${expired.length} session(s) left behind with an expired lease; the sweep deletes them.${sweptNote}` };
  }
  // With batched deletes (SESSION_DELETE_BATCH > 1) a few ended sessions wait for the next batch.
  const waiting = expired.length > 0 ? `${expired.length} waiting for the next batched delete` : 'none left behind';
  return { ...base, level: 'green', reason: `${open.length === 0 ? 'No session open' : `${open.length} open now`}; ${waiting}.${sweptNote}` };
}
