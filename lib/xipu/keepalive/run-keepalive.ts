import { readStoredCredentials } from '@/lib/xipu/credentials/credential-records';
import { pickCurrentCredentials } from '@/lib/xipu/credentials/current-credentials';
import { refreshMarginMs } from '@/lib/xipu/credentials/refresh-margin';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import { startLogin, type PerformLogin } from '@/lib/xipu/credentials/start-login';
import { isGatewayError } from '@/lib/errors/gateway-error';
import type { Pacer } from '@/lib/pacing/pacer';
import { maskSessionId } from '@/lib/xipu/api/mask-session-id';
import { createSessionRegistry } from '@/lib/xipu/sessions/session-registry';
import { sweepExpiredSessionsWithOutcome } from '@/lib/xipu/sessions/sweep-expired-sessions';
import type { XipuApiOptions } from '@/lib/xipu/api/xipu-api';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import type { XipuAccountSettings } from '@/lib/xipu/account/account-settings';
import type { SessionUpkeep } from '@/lib/xipu/sessions/session-upkeep';
import { beatHeartbeat, readHeartbeatSessionId, type HeartbeatState } from './beat-heartbeat';

export interface KeepaliveReport {
  credentials: { source?: string; expiresAt?: string; valid: boolean };
  login: { status: 'not-needed' | 'succeeded' | 'failed' | 'in-progress' | 'backed-off' | 'disabled'; step?: string; message?: string };
  heartbeat: { status: 'ok'; action: HeartbeatState['action']; sessionId: string } | { status: 'skipped' | 'failed'; message: string };
  /**
   * Sessions deleted; when XIPU refused the batch (`batchRefused`, its message) also those it
   * said were gone (forgotten) and those kept for a later sweep.
   */
  sweep: { deleted: number; gone?: number; kept?: number; batchRefused?: string } | { status: 'failed'; message: string };
  /** Sessions added to the warm pool after the sweep (in background turns). */
  pool?: { refilled: number };
  durationMs: number;
}

/** What the job needs of an account (a XipuAccount is one). */
export interface KeepaliveAccount extends AccountStore {
  settings: XipuAccountSettings;
  pacer: Pacer;
  /** Options for a XIPU call with the given credentials. */
  api: (credentials: StoredCredentials) => XipuApiOptions;
  /** The warm pool, topped up after the sweep (a XipuAccount's upkeep). */
  upkeep?: Pick<SessionUpkeep, 'topUp'>;
}

export interface KeepaliveDependencies {
  account: KeepaliveAccount;
  /** The browser login (only the cron route has it); absent = no logins from here. */
  performLogin?: PerformLogin;
  now?: () => number;
}

/**
 * The keep-alive job (GET /api/cron/keepalive): make sure valid credentials exist (logging
 * in when they are missing, rejected or near expiry), beat the persistent heartbeat
 * session, and sweep the gateway's orphaned sessions in one batched call (one by one when
 * XIPU refuses the batch). Every upstream call takes its turn in the account's schedule.
 * Never throws: the report says what failed.
 */
export async function runKeepalive(dependencies: KeepaliveDependencies): Promise<KeepaliveReport> {
  const { account } = dependencies;
  const { settings } = account;
  const now = dependencies.now ?? Date.now;
  const startedAt = now();
  const currentCredentials = async () => pickCurrentCredentials(settings.upstream.manualCredentials, await readStoredCredentials(account));
  const isUsable = (credentials?: StoredCredentials): credentials is StoredCredentials =>
    credentials !== undefined && (credentials.expiresAt === undefined || credentials.expiresAt > now());

  let login: KeepaliveReport['login'] = { status: settings.login.enabled ? 'not-needed' : 'disabled' };
  const logIn = async (): Promise<void> => {
    if (!settings.login.enabled || !dependencies.performLogin) return;
    const start = await startLogin({ account, now });
    if (start.status === 'started') {
      const outcome = await start.run(dependencies.performLogin);
      login = outcome.status === 'success' ? { status: 'succeeded' } : { status: 'failed', step: outcome.state.failedStep, message: outcome.state.message };
    } else if (start.status === 'backed-off') {
      login = { status: 'backed-off', message: `next attempt at ${new Date(start.nextAttemptAt).toISOString()}` };
    } else {
      login = { status: 'in-progress' };
    }
  };

  let credentials = await currentCredentials();
  if (needsLogin(credentials, settings.login.refreshMarginMs, now())) {
    await logIn();
    credentials = await currentCredentials();
  }

  const api = account.api;

  let heartbeat: KeepaliveReport['heartbeat'];
  let sweep: KeepaliveReport['sweep'] = { deleted: 0 };
  let pool: KeepaliveReport['pool'];
  if (!isUsable(credentials)) {
    heartbeat = { status: 'skipped', message: 'no valid XIPU credentials' };
  } else {
    const model = settings.upstream.models[0] ?? 'gpt-4.1';
    try {
      let beat: HeartbeatState;
      try {
        beat = await beatHeartbeat({ account, pacer: account.pacer, api: api(credentials), model, now });
      } catch (error) {
        // The token was rejected: log in once and beat again.
        if (!isGatewayError(error) || error.code !== 'upstream_login_expired' || login.status !== 'not-needed') throw error;
        await logIn();
        credentials = await currentCredentials();
        if (!isUsable(credentials)) throw error;
        beat = await beatHeartbeat({ account, pacer: account.pacer, api: api(credentials), model, now });
      }
      heartbeat = { status: 'ok', action: beat.action, sessionId: maskSessionId(beat.sessionId) };
    } catch (error) {
      heartbeat = { status: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
    try {
      const heartbeatId = await readHeartbeatSessionId(account);
      const registry = createSessionRegistry(account, now, settings.sessionLeaseMs);
      const outcome = await sweepExpiredSessionsWithOutcome({
        registry,
        pacer: account.pacer,
        api: api(credentials),
        excludeIds: heartbeatId === undefined ? [] : [heartbeatId],
        account,
      });
      sweep =
        outcome.batchRefused === undefined
          ? { deleted: outcome.deleted.length }
          : { deleted: outcome.deleted.length, gone: outcome.gone.length, kept: outcome.kept.length, batchRefused: outcome.batchRefused };
    } catch (error) {
      sweep = { status: 'failed', message: error instanceof Error ? error.message : String(error) };
    }
    if (account.upkeep) pool = { refilled: await account.upkeep.topUp(api(credentials)) };
  }

  return {
    credentials: {
      source: credentials?.origin,
      expiresAt: credentials?.expiresAt ? new Date(credentials.expiresAt).toISOString() : undefined,
      valid: isUsable(credentials),
    },
    login,
    heartbeat,
    sweep,
    pool,
    durationMs: now() - startedAt,
  };
}

/** Missing, expired, or within the refresh margin (at most a third of the token's lifetime). */
function needsLogin(credentials: StoredCredentials | undefined, marginMs: number, now: number): boolean {
  if (!credentials) return true;
  if (credentials.expiresAt === undefined) return false;
  return credentials.expiresAt - now <= refreshMarginMs(marginMs, credentials);
}
