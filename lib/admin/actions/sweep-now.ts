import { createSessionRegistry } from '@/lib/xipu/sessions/session-registry';
import { sweepExpiredSessionsWithOutcome } from '@/lib/xipu/sessions/sweep-expired-sessions';
import { readHeartbeatSessionId } from '@/lib/xipu/keepalive/beat-heartbeat';
import { resolveCurrentCredentials } from '../context/resolve-current-credentials';
import { describeError, type AdminAction } from './admin-action';

/**
 * "Sweep sessions now": deletes, in one paced delSession call (one by one when XIPU refuses
 * the batch), the gateway's own sessions whose lease has lapsed (never a live one, never the
 * heartbeat session, never one the gateway did not create), then records the sweep for the page.
 */
export const sweepNow: AdminAction = async ({ config, dependencies, account }) => {
  const registry = createSessionRegistry(account, dependencies.now, account.settings.sessionLeaseMs);
  const expired = await registry.listExpired();
  if (expired.length === 0) return { outcome: 'info', anchor: 'sessions', message: 'Nothing to sweep: no session of the gateway has an expired lease.' };
  const credentials = await resolveCurrentCredentials(config, account);
  if (!credentials) return { outcome: 'failed', anchor: 'sessions', message: 'No XIPU credentials to delete sessions with: log in, or paste a pair by hand.' };
  try {
    const heartbeatId = await readHeartbeatSessionId(account);
    const { deleted, gone, kept, batchRefused } = await sweepExpiredSessionsWithOutcome({
      registry,
      pacer: account.pacer,
      excludeIds: heartbeatId === undefined ? [] : [heartbeatId],
      account,
      api: account.api(credentials),
    });
    if (deleted.length === 0 && gone.length === 0) {
      const reason = batchRefused === undefined ? '' : ` ("${batchRefused}")`;
      return { outcome: 'failed', anchor: 'sessions', message: `XIPU refused to delete the ${kept.length} expired session(s)${reason}; they stay recorded for the next sweep.` };
    }
    const goneNote = gone.length > 0 ? ` ${gone.length} no longer existed on XIPU and were forgotten.` : '';
    const keptNote = kept.length > 0 ? ` ${kept.length} stay recorded for the next sweep.` : '';
    return { outcome: 'ok', anchor: 'sessions', message: `Swept ${deleted.length} expired session(s).${goneNote}${keptNote}` };
  } catch (error) {
    return { outcome: 'failed', anchor: 'sessions', message: `The sweep failed: ${describeError(error)}` };
  }
};
