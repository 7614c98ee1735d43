import { accountConfig } from '@/lib/xipu/account/account-settings';
import { beatHeartbeat } from '@/lib/xipu/keepalive/beat-heartbeat';
import { maskSessionId } from '@/lib/xipu/api/mask-session-id';
import { resolveCurrentCredentials } from '../context/resolve-current-credentials';
import { describeError, type AdminAction } from './admin-action';

/**
 * "Heartbeat now": one beat of the persistent heartbeat session with the current
 * credentials, in its turn of the account's schedule — the cheapest call that proves the
 * token works (docs/xipu-protocol §6). Only the heartbeat, not the whole keep-alive job: the
 * page has its own buttons for a login and a sweep, and a button should do what it says.
 */
export const heartbeatNow: AdminAction = async ({ config, dependencies, account }) => {
  const credentials = await resolveCurrentCredentials(accountConfig(config, account.settings), account);
  if (!credentials) {
    return { outcome: 'failed', anchor: 'heartbeat', message: 'No XIPU credentials to beat with: log in, or paste a pair by hand.' };
  }
  try {
    const beat = await beatHeartbeat({
      account,
      pacer: account.pacer,
      model: account.settings.upstream.models[0] ?? 'gpt-4.1',
      now: dependencies.now,
      api: account.api(credentials),
    });
    const what = { updated: 'updated', recreated: 'recreated (the stored one was gone)', created: 'created' }[beat.action];
    return { outcome: 'ok', anchor: 'heartbeat', message: `Heartbeat OK: session ${maskSessionId(beat.sessionId)} ${what}; XIPU accepted the token.` };
  } catch (error) {
    return { outcome: 'failed', anchor: 'heartbeat', message: `Heartbeat failed: ${describeError(error)}` };
  }
};
