import { readLoginState, saveLoginState } from '@/lib/xipu/credentials/credential-records';
import type { AdminAction } from './admin-action';

/**
 * "Clear the login back-off": rewrites the last login's state without `nextAttemptAt`, so
 * the next automatic login may run at once (after the password was fixed, say). The failure
 * count stays: should the next login fail too, the back-off resumes where it was rather
 * than hammering the school's SSO from one minute again.
 */
export const clearLoginBackoff: AdminAction = async ({ account }) => {
  const state = await readLoginState(account);
  if (!state || state.nextAttemptAt === undefined) {
    return { outcome: 'info', anchor: 'login', message: 'There was no login back-off to clear.' };
  }
  const { nextAttemptAt: _cleared, ...rest } = state;
  await saveLoginState(account, rest);
  return { outcome: 'ok', anchor: 'login', message: 'Cleared the login back-off: the next login may run at once.' };
};
