import { describeErrorForLog } from '@/lib/errors/gateway-error';
import { logEvent } from '@/lib/log/log-event';
import type { Pacer } from '@/lib/pacing/pacer';
import type { ChatCallOptions } from '@/lib/providers/chat-provider';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import { xipuAccountTtls } from '@/lib/xipu/account/account-keys';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import { saveSession, type SessionSettings, type XipuApiOptions } from '@/lib/xipu/api/xipu-api';
import { isSessionCapMessage, sessionCapReached, upstreamRefused } from '@/lib/xipu/api/xipu-errors';
import { pacedXipuCall, type RateLimitBudget } from './paced-xipu-call';
import { createSessionLifecycle, type CurrentCredentials, type SessionLifecycle } from './session-lifecycle';
import type { SessionRegistry } from './session-registry';
import type { SessionUpkeep } from './session-upkeep';
import { sweepExpiredSessions } from './sweep-expired-sessions';

export interface OpenUpstreamSessionOptions {
  /** The new session's name, model and sampling settings. */
  settings: SessionSettings;
  /** Whether the gateway lists the model: XIPU's refusal of an unlisted one is a 404 `model_not_found` (xipu-errors.ts). */
  modelKnown: boolean;
  /** The calls' options; its `credentials` are `auth.credentials` when the open starts. */
  api: XipuApiOptions;
  /** The request's current credentials, shared with its retries: the delete uses whatever they are by then. */
  auth: CurrentCredentials;
  registry: SessionRegistry;
  pacer: Pacer;
  /** Where the sweep keeps its totals (the account's records). */
  account: AccountStore;
  /** Other credentials for the delete, when XIPU rejects the current ones (CredentialSource.fresherThan). */
  fresherThan: (rejected: StoredCredentials) => Promise<StoredCredentials | undefined>;
  call: Pick<ChatCallOptions, 'requestId' | 'signal' | 'defer' | 'onTurn' | 'queueAs'>;
  now: () => number;
  /** The warm pool and delete queue (absent: create the session, delete it after the chat). */
  upkeep?: SessionUpkeep;
  /** Skip the pool's claim (a pooled session just failed this request: make a fresh one). */
  skipPool?: boolean;
}

/**
 * A new upstream session for one chat, ready to stream into: `saveSession` in its turn (a
 * 429 → the next turn, twice at most; the 50-session cap → the pool's idle sessions retired
 * and one sweep of expired sessions, then once more: docs/xipu-protocol.md §4), recorded in the registry with a lease, and
 * owned by the lifecycle the caller must `close()` after the response (defer it at once).
 * With the warm pool (`upkeep`), a pooled session with the same settings is claimed first and
 * no saveSession is made; the session then goes back to the upkeep after the chat.
 */
export async function openUpstreamSession(options: OpenUpstreamSessionOptions): Promise<SessionLifecycle> {
  const { call, registry, pacer, now, upkeep } = options;
  // Without a pool and with delete batches of one, the session is deleted by its own
  // lifecycle right after the chat, exactly as before the pool (with its credential retry).
  const retires = upkeep !== undefined && (upkeep.policy.size > 0 || upkeep.policy.deleteBatchSize > 1);
  const lifecycleOf = (sessionId: number, pooled: boolean) =>
    createSessionLifecycle({
      sessionId,
      registry,
      pacer,
      api: options.api,
      auth: options.auth,
      // The delete runs after the response: it may use credentials others log in for, never
      // asking for a login or recording a failure itself.
      fresherThan: options.fresherThan,
      requestId: call.requestId,
      model: options.settings.model,
      now,
      pooled,
      retire: retires && upkeep
        ? (ended) =>
            upkeep.finish({
              sessionId,
              settings: options.settings,
              api: { ...options.api, credentials: options.auth.credentials, signal: undefined },
              requestId: call.requestId,
              lastTurnAt: ended.lastTurnAt,
            })
        : undefined,
    });

  // A warm session with these settings: completions can start at the next free slot.
  if (upkeep && !options.skipPool) {
    const pooledId = await upkeep.claim(options.settings, call.requestId);
    if (pooledId !== undefined) return lifecycleOf(pooledId, true);
  }
  // One 429 budget for the whole open, also across the sweep's second try.
  const rateLimitBudget: RateLimitBudget = { retried: 0 };
  let swept = false;
  for (;;) {
    // The wait for the turn is aborted by the client, the call itself is not: once sent,
    // the upstream may create the session, and only its answer tells us which one to
    // delete. Its own timeouts still bound it.
    const reply = await pacedXipuCall(pacer, 'saveSession', () => saveSession(options.settings, { ...options.api, signal: undefined }), {
      signal: call.signal,
      defer: call.defer,
      queueAs: call.queueAs,
      rateLimitBudget,
      onTurn: call.onTurn,
    });
    if (reply.ok) {
      // The caller defers the delete as soon as this returns; a failed record only costs the
      // sweep's safety net (should this instance die before its cleanup), never the session.
      await registry.record({ id: reply.id, owner: call.requestId, model: options.settings.model, createdAt: now() }).catch((error: unknown) => {
        logEvent('warn', 'session_record_failed', { requestId: call.requestId, session: reply.id, error: describeErrorForLog(error) });
      });
      return lifecycleOf(reply.id, false);
    }
    if (isSessionCapMessage(reply.message)) {
      if (!swept) {
        swept = true;
        // The pool's idle sessions (none had these settings) are the gateway's own to give back.
        const released = (await upkeep?.releasePool(call.requestId)) ?? 0;
        const deleted = await sweepExpiredSessions({ registry, pacer, api: options.api, account: options.account });
        logEvent('warn', 'session_cap_reached', { requestId: call.requestId, swept: deleted.length, releasedFromPool: released });
        if (deleted.length > 0) continue;
      }
      // Routing skips the account for a while (lib/xipu/read-account-readiness.ts).
      await options.account.store
        .set(options.account.keys.sessionCapRefused, String(now()), { ttlMs: xipuAccountTtls.sessionCapRefusedMs })
        .catch(() => undefined);
      throw sessionCapReached(reply.message);
    }
    throw upstreamRefused(reply.message, options.settings.model, options.modelKnown);
  }
}
