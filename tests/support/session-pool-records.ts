import { SESSION_POOL_DEFAULTS, type SessionPoolPolicy } from '@/lib/xipu/account/account-settings';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import type { SessionSettings } from '@/lib/xipu/api/xipu-api';
import { createSessionRegistry } from '@/lib/xipu/sessions/session-registry';
import { abandonRefill, claimPooledSession, depositPooledSession, finishSession, sessionSettingsKey } from '@/lib/xipu/sessions/session-pool';

/**
 * The pool's records as the upkeep writes them (lib/xipu/sessions/session-upkeep.ts), through
 * the real scripts on whatever store `account` has: for the tests of what the admin page and
 * health make of them.
 */

export const POOL_SETTINGS: SessionSettings = { name: '', model: 'gpt-4.1', temperature: 0.7, maxToken: 0, presencePenalty: 0, frequencyPenalty: 0 };

export function poolPolicy(overrides: Partial<SessionPoolPolicy> = {}): SessionPoolPolicy {
  return { size: 2, deleteBatchSize: 8, ...SESSION_POOL_DEFAULTS, ...overrides };
}

/**
 * A chat on session `sessionId` (recorded under its lease, as a request opens one) that has
 * ended at `now`: its session joins the delete queue, and each refill finishSession books
 * either joins the pool (its id from `newIds`, in order) or, once `newIds` runs out, is refused
 * by XIPU with `refused` (abandoned without a failure when `refused` is absent: no turn), and
 * the rest are given up.
 */
export async function endChat(
  account: AccountStore,
  input: { sessionId: number; now: number; policy: SessionPoolPolicy; newIds?: number[]; refused?: string; settings?: SessionSettings },
): Promise<void> {
  const settings = input.settings ?? POOL_SETTINGS;
  const registry = createSessionRegistry(account, () => input.now - 5_000, 90_000);
  await registry.record({ id: input.sessionId, owner: `req_${input.sessionId}`, model: settings.model, createdAt: input.now - 5_000 });
  const token = `chat-${input.sessionId}`;
  const settingsKey = sessionSettingsKey(settings);
  const outcome = await finishSession(account, { sessionId: input.sessionId, settingsKey, model: settings.model, now: input.now, policy: input.policy, refillToken: token });
  const newIds = [...(input.newIds ?? [])];
  let failed = false;
  for (let number = 1; number <= outcome.refills; number += 1) {
    const refillToken = `${token}:${number}`;
    const id = failed ? undefined : newIds.shift();
    if (id !== undefined) {
      await depositPooledSession(account, { refillToken, sessionId: id, settingsKey, model: settings.model, now: input.now, lifetimeMs: input.policy.pooledLifetimeMs });
    } else {
      // As refillBooked: after the first refusal the other refills are given up, no failure each.
      await abandonRefill(account, { refillTokens: [refillToken], now: input.now, failure: failed ? undefined : input.refused });
      failed = true;
    }
  }
}

/** A request asking the pool for a session with `settings`: a hit or a miss. */
export async function claim(account: AccountStore, input: { now: number; policy: SessionPoolPolicy; owner: string; settings?: SessionSettings }): Promise<number | undefined> {
  const settings = input.settings ?? POOL_SETTINGS;
  return await claimPooledSession(account, {
    settingsKey: sessionSettingsKey(settings),
    owner: input.owner,
    model: settings.model,
    now: input.now,
    leaseMs: 90_000,
    claimMarginMs: input.policy.claimMarginMs,
  });
}
