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
 * The account's shared call schedule (lib/pacing/slot-schedule.ts), as Pacer.earliestStart
 * answers it: how long a call asked for now would wait. Slots are gap + allowance apart, so
 * that wait over one step is about how many calls hold a turn ahead of a new one — an
 * estimate (holes left by waiters that gave up are filled first).
 */
export function describePacerPanel(input: {
  config: GatewayConfig;
  start: { waitMs: number; holdUntil?: number };
  recentWaitsMs?: number[];
  now: number;
}): PacerPanel {
  const { config, start, now } = input;
  const { gapMs, allowanceMs, maxWaitMs, serializeStreams } = config.pacer;
  const waitMs = Math.max(0, start.waitMs);
  const step = Math.max(1, gapMs + allowanceMs);
  const waitingEstimate = Math.ceil(waitMs / step);
  const holdUntil = start.holdUntil !== undefined && start.holdUntil > now ? start.holdUntil : undefined;
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
