import { randomUUID } from 'node:crypto';
import { describeErrorForLog, isGatewayError } from '@/lib/errors/gateway-error';
import { logEvent } from '@/lib/log/log-event';
import type { Pacer } from '@/lib/pacing/pacer';
import type { SessionPoolPolicy } from '@/lib/xipu/account/account-settings';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import { saveSession, type SessionSettings, type XipuApiOptions } from '@/lib/xipu/api/xipu-api';
import { isRejectedToken } from '@/lib/xipu/api/xipu-errors';
import { MAX_RATE_LIMIT_RETRIES, pacedXipuCall } from './paced-xipu-call';
import { sessionName } from './session-name';
import {
  abandonRefill,
  claimPooledSession,
  depositPooledSession,
  finishSession,
  readLastPoolSettings,
  retirePooledSessions,
  sessionSettingsKey,
  settingsFromKey,
  type FinishOutcome,
} from './session-pool';
import type { SessionRegistry } from './session-registry';
import { sweepExpiredSessions } from './sweep-expired-sessions';

/**
 * A batch smaller than SESSION_DELETE_BATCH is still deleted once its oldest session has
 * waited this long, at the next chat's end that finds the account free: an idle account's
 * queue does not wait for the keep-alive.
 */
export const DELETE_MAX_DELAY_MS = 60_000;
/**
 * A queue this many batches long is deleted in a normal turn (waiting like a request) rather
 * than in the background: under sustained load the background gets no turn, and the
 * 50-session cap matters more than one request's 1.25 s.
 */
const URGENT_BATCHES = 3;

export interface SessionUpkeepContext {
  account: AccountStore;
  registry: SessionRegistry;
  pacer: Pacer;
  policy: SessionPoolPolicy;
  /** The schedule's spacing (gap + allowance): a refill asks for its turn no sooner after the chat's last call. */
  spacingMs: number;
  now: () => number;
}

/** What a chat's end hands to the upkeep. */
export interface FinishedSession {
  sessionId: number;
  /** The chat's session settings: a refill makes one like it. */
  settings: SessionSettings;
  /** Options for the background calls, with the credentials the chat ended with. */
  api: XipuApiOptions;
  requestId: string;
  /** When the chat's last call took its turn (epoch ms). */
  lastTurnAt?: number;
}

export type SessionUpkeep = ReturnType<typeof createSessionUpkeep>;

/**
 * The warm pool and the delete queue in use (docs/session-pool.md): a request claims a
 * pooled session; a chat's end retires its session into the delete queue, refills the pool
 * with the chat's settings, and deletes the queue in one batch when it is due — the refill
 * and the delete in background turns (they take a slot only when no request waits for one,
 * from the route's `after()`). The keep-alive's sweep deletes the whole queue; then it tops
 * the pool up (topUp).
 */
export function createSessionUpkeep(context: SessionUpkeepContext) {
  const { account, registry, pacer, policy, now } = context;

  /** Creates one pooled session for a refill placeholder; never throws. */
  async function refill(settings: SessionSettings, refillToken: string, api: XipuApiOptions, requestId: string | undefined, notBefore?: number): Promise<boolean> {
    const named = { ...settings, name: sessionName(settings.model, now()) };
    const settingsKey = sessionSettingsKey(named);
    let reply: Awaited<ReturnType<typeof saveSession>>;
    try {
      reply = await pacedXipuCall(pacer, 'saveSession', () => saveSession(named, { ...api, signal: undefined }), {
        background: true,
        notBefore,
        // A background call never retries a 429: it waits for a quieter moment instead.
        rateLimitBudget: { retried: MAX_RATE_LIMIT_RETRIES },
      });
    } catch (error) {
      // No turn (the account is busy) or no usable token is no failure of the pool itself.
      const quiet = isGatewayError(error) && (error.code === 'upstream_busy' || error.code === 'upstream_rate_limited');
      const failure = quiet || isRejectedToken(error) ? undefined : describeErrorForLog(error);
      logEvent(failure ? 'warn' : 'info', failure ? 'pool_refill_failed' : 'pool_refill_skipped', { requestId, account: account.accountId, error: describeErrorForLog(error) });
      await abandonRefill(account, { refillToken, now: now(), failure }).catch(() => undefined);
      return false;
    }
    if (!reply.ok) {
      logEvent('warn', 'pool_refill_refused', { requestId, account: account.accountId, upstreamMessage: reply.message });
      await abandonRefill(account, { refillToken, now: now(), failure: reply.message }).catch(() => undefined);
      return false;
    }
    try {
      await depositPooledSession(account, { refillToken, sessionId: reply.id, settingsKey, model: named.model, now: now(), lifetimeMs: policy.pooledLifetimeMs });
      return true;
    } catch (error) {
      // Unrecorded, nothing would ever delete it: record it as pending a delete instead.
      logEvent('warn', 'pool_deposit_failed', { requestId, session: reply.id, error: describeErrorForLog(error) });
      await registry
        .record({ id: reply.id, owner: 'pool', model: named.model, createdAt: now() })
        .then(() => registry.expire(reply.id))
        .catch(() => undefined);
      return false;
    }
  }

  /**
   * Makes the `count` refills finishSession booked under `token`, one background turn each;
   * after the first that fails the others are given up. @returns how many joined the pool.
   */
  async function refillBooked(settings: SessionSettings, token: string, count: number, api: XipuApiOptions, requestId: string | undefined, notBefore?: number): Promise<number> {
    let made = 0;
    for (let number = 1; number <= count; number += 1) {
      const refillToken = `${token}:${number}`;
      if (made < number - 1) {
        await abandonRefill(account, { refillToken, now: now() }).catch(() => undefined);
        continue;
      }
      if (await refill(settings, refillToken, api, requestId, number === 1 ? notBefore : undefined)) made += 1;
    }
    return made;
  }

  /** Deletes the queue in one batch when it is due (see DELETE_MAX_DELAY_MS); never throws. */
  async function flushIfDue(outcome: FinishOutcome, api: XipuApiOptions, requestId: string): Promise<void> {
    if (outcome.pending === 0) return;
    const urgent = policy.deleteBatchSize === 1 || outcome.pending >= URGENT_BATCHES * policy.deleteBatchSize || outcome.size >= policy.bound;
    const due =
      urgent ||
      outcome.pending >= policy.deleteBatchSize ||
      (outcome.oldestPendingAt !== undefined && now() - outcome.oldestPendingAt >= DELETE_MAX_DELAY_MS);
    if (!due) return;
    await flush(api, { background: !urgent, requestId });
  }

  async function flush(api: XipuApiOptions, options: { background: boolean; requestId?: string }): Promise<number[]> {
    try {
      return await sweepExpiredSessions({ registry, pacer, api: { ...api, signal: undefined }, account, background: options.background });
    } catch (error) {
      const busy = isGatewayError(error) && error.code === 'upstream_busy';
      logEvent(busy ? 'info' : 'warn', busy ? 'session_deletes_deferred' : 'session_deletes_failed', {
        requestId: options.requestId,
        account: account.accountId,
        error: describeErrorForLog(error),
      });
      return [];
    }
  }

  return {
    policy,

    /**
     * A pooled session with these settings for the request, now its live session, or
     * undefined (a miss, no pool, or the store failed: the request makes its own).
     */
    async claim(settings: SessionSettings, owner: string): Promise<number | undefined> {
      if (policy.size === 0) return undefined;
      try {
        return await claimPooledSession(account, {
          settingsKey: sessionSettingsKey(settings),
          owner,
          model: settings.model,
          now: now(),
          leaseMs: registry.leaseMs,
          claimMarginMs: policy.claimMarginMs,
        });
      } catch (error) {
        logEvent('warn', 'pool_claim_failed', { requestId: owner, error: describeErrorForLog(error) });
        return undefined;
      }
    },

    /**
     * At XIPU's session cap: the pool's idle sessions join the delete queue, for the sweep the
     * caller runs next (retirePooledSessions). Never throws. @returns how many.
     */
    async releasePool(requestId: string): Promise<number> {
      try {
        return await retirePooledSessions(account, now());
      } catch (error) {
        logEvent('warn', 'pool_release_failed', { requestId, error: describeErrorForLog(error) });
        return 0;
      }
    },

    /**
     * A chat is over: its session joins the delete queue, the pool gets one like it when it
     * wants one, and the queue is deleted when due. Runs after the response.
     * @returns false when the registry had no record of the session (it was never recorded:
     *   the caller deletes it itself).
     * @throws when the store cannot take the session back (the caller deletes it itself).
     */
    async finish(finished: FinishedSession): Promise<boolean> {
      const refillToken = randomUUID();
      const outcome = await finishSession(account, {
        sessionId: finished.sessionId,
        settingsKey: sessionSettingsKey(finished.settings),
        model: finished.settings.model,
        now: now(),
        policy,
        refillToken,
      });
      const notBefore = finished.lastTurnAt === undefined ? undefined : finished.lastTurnAt + context.spacingMs;
      await refillBooked(finished.settings, refillToken, outcome.refills, finished.api, finished.requestId, notBefore);
      await flushIfDue(outcome, finished.api, finished.requestId);
      return outcome.retired;
    },

    /**
     * The keep-alive's part, after its sweep deleted the whole queue: the pool topped up with
     * the last chat's settings, in background turns (so never ahead of a waiting request).
     * Never throws. @returns how many sessions joined the pool.
     */
    async topUp(api: XipuApiOptions): Promise<number> {
      let refilled = 0;
      if (policy.size === 0) return refilled;
      const lastSettings = await readLastPoolSettings(account).catch(() => undefined);
      const settings = lastSettings === undefined ? undefined : settingsFromKey(lastSettings, '');
      if (!settings) return refilled;
      for (let round = 0; round < policy.size; round += 1) {
        const refillToken = randomUUID();
        // A finish without a session: books a refill when the pool wants one, retires nothing.
        const outcome = await finishSession(account, { sessionId: -1, settingsKey: sessionSettingsKey(settings), model: settings.model, now: now(), policy, refillToken }).catch(
          () => undefined,
        );
        if (!outcome || outcome.refills === 0) break;
        const made = await refillBooked(settings, refillToken, outcome.refills, api, undefined);
        refilled += made;
        if (made < outcome.refills) break;
      }
      return refilled;
    },
  };
}
