import type { GatewayConfig } from '@/lib/config/env';
import { formatDuration } from '../format-time';
import type { PanelState } from '../status-level';

export interface PacerPanel extends PanelState {
  gapMs: number;
  allowanceMs: number;
  maxWaitMs: number;
  serializeStreams: boolean;
  /** How long a call asking now would wait for its turn. */
  waitMs: number;
  /** Calls already holding a turn ahead: the wait ÷ (gap + allowance), rounded up. */
  waitingEstimate: number;
  /** An open stream keeps the account busy until then (PACER_SERIALIZE_STREAMS). */
  holdUntil?: number;
  /** Recent pacer waits of chat requests (ms), newest first, when metrics record them. */
  recentWaitsMs?: number[];
}

/**
 * The account's shared call schedule (lib/pacing/slot-schedule.ts): every reservation moves
 * `next` on by gap + allowance, so `next - now` over that step is how many calls hold a
 * turn ahead of a new one. An estimate: answers that came late push `next` a little further.
 */
export function describePacerPanel(input: { config: GatewayConfig; schedule: Record<string, string>; recentWaitsMs?: number[]; now: number }): PacerPanel {
  const { config, schedule, now } = input;
  const { gapMs, allowanceMs, maxWaitMs, serializeStreams } = config.pacer;
  const nextAt = Number(schedule.next ?? 0);
  const waitMs = Number.isFinite(nextAt) ? Math.max(0, nextAt - now) : 0;
  const step = Math.max(1, gapMs + allowanceMs);
  const waitingEstimate = Math.ceil(waitMs / step);
  const holdUntilRaw = Number(schedule.holdUntil ?? 0);
  const holdUntil = schedule.holder && holdUntilRaw > now ? holdUntilRaw : undefined;
  const base = { gapMs, allowanceMs, maxWaitMs, serializeStreams, waitMs, waitingEstimate, holdUntil, recentWaitsMs: input.recentWaitsMs };
  if (waitMs >= maxWaitMs * 0.8) {
    return { ...base, level: 'red', reason: `Queue nearly full: a call now waits ${formatDuration(waitMs)} (limit ${formatDuration(maxWaitMs)}); new requests get 429 upstream_busy.` };
  }
  if (waitMs > maxWaitMs / 3) {
    return { ...base, level: 'amber', reason: `Busy: about ${waitingEstimate} call(s) waiting, a call now waits ${formatDuration(waitMs)}.` };
  }
  if (holdUntil) return { ...base, level: 'green', reason: `A stream holds the account for up to ${formatDuration(holdUntil - now)} (streams serialised).` };
  if (waitingEstimate === 0) return { ...base, level: 'green', reason: `Idle: the next call may start at once (gap ${formatDuration(gapMs)}).` };
  return { ...base, level: 'green', reason: `About ${waitingEstimate} call(s) waiting; a call now waits ${formatDuration(waitMs)}.` };
}
