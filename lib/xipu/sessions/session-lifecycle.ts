import { logEvent } from '@/lib/log/log-event';
import { describeErrorForLog } from '@/lib/errors/gateway-error';
import type { PacerTurn, Pacer } from '@/lib/pacing/pacer';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import { deleteSessions, type XipuApiOptions } from '@/lib/xipu/api/xipu-api';
import { isRejectedToken } from '@/lib/xipu/api/xipu-errors';
import { isSessionGoneMessage } from '@/lib/xipu/api/is-session-gone-message';
import { pacedXipuCall } from './paced-xipu-call';
import type { SessionRegistry } from './session-registry';

/** How often an open stream renews its hold on the schedule (the pacer's hold lease is 30 s). */
const HOLD_RENEW_MS = 10_000;

/** The credentials a request uses now; replaced when XIPU rejected the first ones. */
export interface CurrentCredentials {
  credentials: StoredCredentials;
}

export interface SessionLifecycleContext {
  /** Other credentials when XIPU rejects the current ones, if some appear soon (CredentialSource.fresherThan). */
  fresherThan: (rejected: StoredCredentials) => Promise<StoredCredentials | undefined>;
  sessionId: number;
  registry: SessionRegistry;
  pacer: Pacer;
  api: XipuApiOptions;
  auth: CurrentCredentials;
  requestId: string;
  model: string;
  now: () => number;
  /** Whether the session came from the warm pool (claimed, not created for this request). */
  pooled?: boolean;
  /**
   * Hands the session to the pool's upkeep instead of deleting it at once (SessionUpkeep.finish:
   * the delete queue, a refill, a batched delete when due). When it throws or answers false
   * (the session had no record), the session is deleted here as without a pool.
   */
  retire?: (ended: { lastTurnAt?: number }) => Promise<boolean>;
}

export type SessionLifecycle = ReturnType<typeof createSessionLifecycle>;

/**
 * Everything one upstream session owns: its lease (renewed while alive), the schedule hold
 * of its stream (serialised mode), the open upstream connection — and its deletion, which
 * runs exactly once after the response has closed (docs/xipu-protocol.md §4).
 */
export function createSessionLifecycle(context: SessionLifecycleContext) {
  const createdAt = context.now();
  let heldTurn: PacerTurn | undefined;
  /** When the session's last call (completions) took its turn: a refill asks one spacing later. */
  let lastTurnAt: number | undefined;
  /** XIPU said the session is gone: close() only forgets it. */
  let gone = false;
  let abortUpstream: ((reason?: unknown) => void) | undefined;
  let closed: Promise<void> | undefined;

  // The session's lease is renewed when a third of it has passed; a stream's hold on the
  // schedule (serialised mode) more often, a third of the pacer's 30 s hold lease.
  const leaseRenewMs = Math.floor(context.registry.leaseMs / 3);
  let leaseRecordedAt = createdAt;
  /** The renewal in flight, which close() waits for before it deletes and forgets the session. */
  let renewing: Promise<void> = Promise.resolve();
  const renewTimer = setInterval(() => {
    renewing = renew();
  }, Math.min(leaseRenewMs, HOLD_RENEW_MS));
  renewTimer.unref?.();

  async function renew(): Promise<void> {
    try {
      // Never after close() began: a late renewal would re-record a deleted session.
      if (closed === undefined && context.now() - leaseRecordedAt >= leaseRenewMs) {
        await context.registry.record({ id: context.sessionId, owner: context.requestId, model: context.model, createdAt });
        leaseRecordedAt = context.now();
      }
      await heldTurn?.renewHold();
    } catch (error) {
      logEvent('warn', 'session_lease_renewal_failed', { requestId: context.requestId, error: describeErrorForLog(error) });
    }
  }

  const lifecycle = {
    sessionId: context.sessionId,
    pooled: context.pooled === true,
    holdWith(turn: PacerTurn) {
      heldTurn = turn;
      lastTurnAt = turn.slotAt;
    },
    /** XIPU said the session no longer exists: close() forgets it instead of deleting it. */
    forgetOnClose() {
      gone = true;
    },
    attachUpstream(abort: (reason?: unknown) => void) {
      abortUpstream = abort;
    },
    /** The stream is over (ended, failed or cancelled): close it and free the schedule. */
    async endStream(): Promise<void> {
      abortUpstream?.();
      const turn = heldTurn;
      heldTurn = undefined;
      await turn?.releaseHold().catch((error: unknown) => {
        logEvent('warn', 'pacer_release_failed', { requestId: context.requestId, error: describeErrorForLog(error) });
      });
    },
    /**
     * Ends the session (once): retired to the pool's upkeep (its delete queue) when there is
     * one, else deleted now. A failed delete leaves it to the sweep, with its lease ended.
     */
    close(): Promise<void> {
      closed ??= (async () => {
        clearInterval(renewTimer);
        await renewing;
        await lifecycle.endStream();
        if (gone) {
          await context.registry.forget(context.sessionId).catch(() => undefined);
          return;
        }
        if (context.retire) {
          try {
            if (await context.retire({ lastTurnAt })) return;
          } catch (error) {
            logEvent('warn', 'session_retire_failed', { requestId: context.requestId, session: context.sessionId, error: describeErrorForLog(error) });
          }
        }
        // Deleted with whatever credentials are current: a login may have replaced them.
        const deleteWith = (credentials: StoredCredentials) =>
          pacedXipuCall(context.pacer, 'delSession', () => deleteSessions([context.sessionId], { ...context.api, credentials, signal: undefined }));
        try {
          let reply: Awaited<ReturnType<typeof deleteSessions>>;
          try {
            reply = await deleteWith(context.auth.credentials);
          } catch (error) {
            // The token was revoked while the answer ran: once with a newer pair (a login
            // other requests started), else the sweep's — a new token's first success sweeps.
            if (!isRejectedToken(error)) throw error;
            const fresher = await context.fresherThan(context.auth.credentials);
            if (!fresher) throw error;
            context.auth.credentials = fresher;
            reply = await deleteWith(fresher);
          }
          // A session XIPU says no longer exists (the owner deleted it) is forgotten: the sweep
          // could only be refused for it again.
          if (!reply.ok && !isSessionGoneMessage(reply.message)) throw new Error(`delSession refused: ${reply.message}`);
          await context.registry.forget(context.sessionId);
          return;
        } catch (error) {
          logEvent('warn', 'session_delete_failed', { requestId: context.requestId, session: context.sessionId, error: describeErrorForLog(error) });
        }
        // Leave it to the sweep: end the lease now so it need not wait for it to lapse.
        await context.registry.expire(context.sessionId).catch(() => undefined);
      })();
      return closed;
    },
  };
  // Methods read `lifecycle`, never `this`: `call.defer(session.close)` works detached.
  return lifecycle;
}
