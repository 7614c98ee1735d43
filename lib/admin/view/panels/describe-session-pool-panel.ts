import type { SessionPoolPolicy } from '@/lib/xipu/account/account-settings';
import type { SessionPoolStatus } from '@/lib/xipu/sessions/session-pool';
import { formatRelative } from '../format-time';
import type { PanelState } from '../status-level';

export interface SessionPoolPanel extends PanelState {
  /** SESSION_POOL_SIZE (0: off), SESSION_DELETE_BATCH, the bound the registry is held to. */
  policy: Pick<SessionPoolPolicy, 'size' | 'deleteBatchSize' | 'bound'>;
  /** What the store holds; absent when it could not be read. */
  status?: SessionPoolStatus;
  /** Hits over claims (0…1), once a request claimed or missed. */
  hitRate?: number;
}

/**
 * The account's warm session pool and its delete queue (lib/xipu/sessions/session-pool.ts):
 * what is ready, what is being refilled, in flight or waiting for a batched delete, against
 * the bound. A pool that cannot refill (XIPU refused its last refill: the 50-session cap,
 * say) is amber, as is a registry at the bound; never red, since chats still succeed without
 * the pool, each creating its own session.
 */
export function describeSessionPoolPanel(input: { status?: SessionPoolStatus; policy: SessionPoolPolicy; now: number }): SessionPoolPanel {
  const { status, now } = input;
  const policy = { size: input.policy.size, deleteBatchSize: input.policy.deleteBatchSize, bound: input.policy.bound };
  if (!status) return { policy, level: 'unknown', reason: 'The session pool could not be read from the store.' };

  const claims = status.hits + status.misses;
  const base = { policy, status, hitRate: claims > 0 ? status.hits / claims : undefined };
  const queue =
    status.pendingDeletes === 0 ? '' : ` ${status.pendingDeletes} waiting for a delete (batches of ${policy.deleteBatchSize}).`;
  if (policy.size === 0) {
    return { ...base, level: 'green', reason: `Off (SESSION_POOL_SIZE=0): every chat creates its own session.${queue}` };
  }
  if (status.refillError) {
    const { at, message } = status.refillError;
    return {
      ...base,
      level: 'amber',
      reason: `Cannot refill: XIPU refused the last refill ${formatRelative(at, now)}${message ? ` (${message.slice(0, 200)})` : ''}. Chats still work, each creating its own session.`,
    };
  }
  if (status.total >= policy.bound) {
    return {
      ...base,
      level: 'amber',
      reason: `${status.total} sessions held, at the bound of ${policy.bound}: no refill until the queue is deleted.${queue}`,
    };
  }
  const refilling = status.refilling > 0 ? `, ${status.refilling} refilling` : '';
  const hits = base.hitRate === undefined ? 'no claim yet' : `hit rate ${Math.round(base.hitRate * 100)} % (${status.hits} of ${claims})`;
  return { ...base, level: 'green', reason: `${status.pooled} of ${policy.size} ready${refilling}; ${hits}.${queue}` };
}
