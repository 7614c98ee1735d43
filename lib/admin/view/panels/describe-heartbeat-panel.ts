import type { HeartbeatState } from '@/lib/xipu/keepalive/beat-heartbeat';
import { maskSessionId } from '@/lib/xipu/api/mask-session-id';
import { formatRelative } from '../format-time';
import type { PanelState } from '../status-level';
import type { KeepaliveRecord } from '@/lib/xipu/keepalive/keepalive-record';

export interface HeartbeatPanel extends PanelState {
  at?: number;
  action?: HeartbeatState['action'];
  maskedSessionId?: string;
  /** The keep-alive job's heartbeat, when its last run failed after the last good beat. */
  lastFailure?: { at: number; message: string };
}

/**
 * The daily cron beats once a day (vercel.json `0 3 * * *`): a beat older than a day and a
 * bit means the job did not run.
 */
export const HEARTBEAT_STALE_MS = 26 * 3_600_000;

const ACTIONS: Record<HeartbeatState['action'], string> = {
  updated: 'session updated',
  recreated: 'session recreated (the stored one was gone)',
  created: 'session created',
};

/** The persistent heartbeat session: when it last beat, and how. */
export function describeHeartbeatPanel(input: { state?: HeartbeatState; keepalive?: KeepaliveRecord; now: number }): HeartbeatPanel {
  const { state, keepalive, now } = input;
  const failed = keepalive?.heartbeat?.status === 'failed' && (!state || keepalive.at > state.at);
  const lastFailure = failed ? { at: keepalive!.at, message: keepalive!.heartbeat?.message ?? 'failed' } : undefined;
  if (!state) {
    if (lastFailure) return { level: 'red', reason: `The keep-alive job's heartbeat failed ${formatRelative(lastFailure.at, now)}: ${lastFailure.message}`, lastFailure };
    return { level: 'amber', reason: 'No heartbeat yet: the keep-alive job has not run (or "Heartbeat now").' };
  }
  const base = { at: state.at, action: state.action, maskedSessionId: maskSessionId(state.sessionId), lastFailure };
  if (lastFailure) return { ...base, level: 'red', reason: `The keep-alive job's heartbeat failed ${formatRelative(lastFailure.at, now)}: ${lastFailure.message}` };
  if (now - state.at > HEARTBEAT_STALE_MS) return { ...base, level: 'amber', reason: `Last beat ${formatRelative(state.at, now)}: the daily keep-alive job seems not to run.` };
  return { ...base, level: 'green', reason: `Last beat ${formatRelative(state.at, now)} (${ACTIONS[state.action]}).` };
}
