import { randomUUID } from 'node:crypto';
import { describeErrorForLog, isGatewayError } from '@/lib/errors/gateway-error';
import { logEvent } from '@/lib/log/log-event';
import type { Pacer } from '@/lib/pacing/pacer';
import type { SessionPoolPolicy } from '@/lib/xipu/account/account-settings';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import { deleteSessions, saveSession, type SessionSettings, type XipuApiOptions } from '@/lib/xipu/api/xipu-api';
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
 * waited this long, at the next chat's end that finds the account free (or by the keep-alive,
 * whichever comes first: on an account that goes quiet, the keep-alive's).
 */
export const DELETE_MAX_DELAY_MS = 60_000;
/**
 * A queue this many batches long is deleted in a normal turn (waiting like a request) rather
 * than in the background: under sustained load the background gets no turn, and the
 * 50-session cap matters more than one request's 1.25 s.
 */
const URGENT_BATCHES = 3;
/**
 * A chat's end has the route's cleanup reserve (60 s, lib/chat/run-chat.ts) for its work: a
 * refill starts only within this long of the finish, and its saveSession is bounded by
 * REFILL_CALL_TIMEOUT_MS, so a refill in flight when the platform ends the function — a
 * session XIPU made that nothing records — cannot happen: 10 s + 15 s waiting for a
 * background turn + 10 s + 10 s stay well inside the reserve.
 */
const REFILL_START_WINDOW_MS = 10_000;
const REFILL_CALL_TIMEOUT_MS = 10_000;
/** A batched delete that is not urgent starts only within this long of the finish (the same reserve). */
const FLUSH_START_WINDOW_MS = 20_000;
/** One batched delete at a time per account: chat ends on several instances would otherwise queue the same one. */
const DELETE_LOCK_MS = 30_000;

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

  /**
   * Creates one pooled session for a refill placeholder; never throws. On failure the
   * placeholder stays for the caller to give up (with the others booked with it, in one command).
   * @returns true when it joined the pool, else what XIPU's refusal said (or undefined).
   */
  async function refill(
    settings: SessionSettings,
    refillToken: string,
    api: XipuApiOptions,
    requestId: string | undefined,
    notBefore?: number,
  ): Promise<true | { refused?: string }> {
    const named = { ...settings, name: sessionName(settings.model, now()) };
    const settingsKey = sessionSettingsKey(named);
    let reply: Awaited<ReturnType<typeof saveSession>>;
    const bounded = { ...api, signal: undefined, firstByteTimeoutMs: Math.min(api.firstByteTimeoutMs, REFILL_CALL_TIMEOUT_MS), idleTimeoutMs: Math.min(api.idleTimeoutMs, REFILL_CALL_TIMEOUT_MS) };
    try {
      reply = await pacedXipuCall(pacer, 'saveSession', () => saveSession(named, bounded), {
        background: true,
        notBefore,
        // A background call never retries a 429: it waits for a quieter moment instead.
        rateLimitBudget: { retried: MAX_RATE_LIMIT_RETRIES },
      });
    } catch (error) {
      // No turn (the account is busy), no usable token, a network or server error: none is the
      // pool's own failure (the credentials and the chats report those). Only XIPU's refusal is.
      const quiet = isGatewayError(error) && (error.code === 'upstream_busy' || error.code === 'upstream_rate_limited');
      logEvent(quiet || isRejectedToken(error) ? 'info' : 'warn', quiet ? 'pool_refill_skipped' : 'pool_refill_failed', {
        requestId,
        account: account.accountId,
        error: describeErrorForLog(error),
      });
      return {};
    }
    if (!reply.ok) {
      logEvent('warn', 'pool_refill_refused', { requestId, account: account.accountId, upstreamMessage: reply.message });
      return { refused: reply.message };
    }
    try {
      await depositPooledSession(account, { refillToken, sessionId: reply.id, settingsKey, model: named.model, now: now(), lifetimeMs: policy.pooledLifetimeMs });
      return true;
    } catch (error) {
      // Unrecorded, nothing would ever delete it: delete it now (the store that failed may
      // fail again, so not through the registry), in a turn of its own.
      logEvent('warn', 'pool_deposit_failed', { requestId, session: reply.id, error: describeErrorForLog(error) });
      await pacedXipuCall(pacer, 'delSession', () => deleteSessions([reply.id], bounded)).catch((deleteError: unknown) => {
        logEvent('warn', 'session_delete_failed', { requestId, session: reply.id, error: describeErrorForLog(deleteError) });
      });
      return {};
    }
  }

  /**
   * Makes the `count` refills finishSession booked under `token`, one background turn each;
   * after the first that fails the others are given up. @returns how many joined the pool.
   */
  async function refillBooked(
    settings: SessionSettings,
    token: string,
    count: number,
    api: XipuApiOptions,
    requestId: string | undefined,
    options: { notBefore?: number; startBy: number },
  ): Promise<number> {
    let made = 0;
    for (let number = 1; number <= count; number += 1) {
      const outcome = now() > options.startBy ? {} : await refill(settings, `${token}:${number}`, api, requestId, number === 1 ? options.notBefore : undefined);
      if (outcome === true) {
        made += 1;
        continue;
      }
      // This one and every one booked after it are given up at once, in one command.
      const rest = Array.from({ length: count - number + 1 }, (_, index) => `${token}:${number + index}`);
      await abandonRefill(account, { refillTokens: rest, now: now(), failure: outcome.refused }).catch(() => undefined);
      break;
    }
    return made;
  }

  /** Whether the queue must be deleted now, in a normal turn (batches of one, three batches waiting, the bound). */
  function isUrgent(outcome: FinishOutcome): boolean {
    return outcome.pending > 0 && (policy.deleteBatchSize === 1 || outcome.pending >= URGENT_BATCHES * policy.deleteBatchSize || outcome.size >= policy.bound);
  }

  /** Whether the queue is due for a background batched delete (see DELETE_MAX_DELAY_MS). */
  function isDue(outcome: FinishOutcome): boolean {
    return (
      outcome.pending >= policy.deleteBatchSize ||
      (outcome.pending > 0 && outcome.oldestPendingAt !== undefined && now() - outcome.oldestPendingAt >= DELETE_MAX_DELAY_MS)
    );
  }

  /** One batched delete of the queue, by one instance at a time (the others leave it to it); never throws. */
  async function flush(api: XipuApiOptions, options: { background: boolean; requestId?: string }): Promise<number[]> {
    const lockToken = randomUUID();
    try {
      if (!(await account.store.setIfAbsent(account.keys.sessionDeleteLock, lockToken, DELETE_LOCK_MS))) return [];
    } catch (error) {
      logEvent('warn', 'session_deletes_failed', { requestId: options.requestId, account: account.accountId, error: describeErrorForLog(error) });
      return [];
    }
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
    } finally {
      await account.store.deleteIfEquals(account.keys.sessionDeleteLock, lockToken).catch(() => undefined);
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
      const startedAt = now();
      const outcome = await finishSession(account, {
        sessionId: finished.sessionId,
        settingsKey: sessionSettingsKey(finished.settings),
        model: finished.settings.model,
        now: now(),
        policy,
        refillToken,
      });
      // An urgent delete (the cap's safety, or batches of one) goes before the refills.
      const urgent = isUrgent(outcome);
      if (urgent) await flush(finished.api, { background: false, requestId: finished.requestId });
      const notBefore = finished.lastTurnAt === undefined ? undefined : finished.lastTurnAt + context.spacingMs;
      await refillBooked(finished.settings, refillToken, outcome.refills, finished.api, finished.requestId, {
        notBefore,
        startBy: startedAt + REFILL_START_WINDOW_MS,
      });
      if (!urgent && isDue(outcome) && now() <= startedAt + FLUSH_START_WINDOW_MS) {
        await flush(finished.api, { background: true, requestId: finished.requestId });
      }
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
        // The keep-alive route has minutes: each refill may start when the one before ended.
        const made = await refillBooked(settings, refillToken, outcome.refills, api, undefined, { startBy: now() + REFILL_START_WINDOW_MS });
        refilled += made;
        if (made < outcome.refills) break;
      }
      return refilled;
    },
  };
}
