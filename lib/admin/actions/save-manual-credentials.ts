import { describeCredentials, saveCredentials } from '@/lib/xipu/credentials/credential-records';
import { pickCurrentCredentials } from '@/lib/xipu/credentials/current-credentials';
import { readPastedCredentials } from '@/lib/xipu/credentials/read-pasted-credentials';
import { formatDuration } from '../view/format-time';
import type { AdminAction } from './admin-action';

/**
 * "Paste credentials": the two request headers copied from the browser (read by
 * lib/xipu/credentials/read-pasted-credentials.ts), saved for every instance with source
 * `manual`. Refuses an empty, malformed or already expired pair. The values never appear in
 * the answer.
 */
export const saveManualCredentials: AdminAction = async ({ form, dependencies, account }) => {
  const pasted = readPastedCredentials(form);
  if (!pasted.ok) return { outcome: 'failed', anchor: 'credentials', message: `Not saved: ${pasted.problems.join('; ')}.` };
  const now = dependencies.now();
  const credentials = describeCredentials(pasted.credentials, 'manual', now);
  if (credentials.expiresAt !== undefined && credentials.expiresAt <= now) {
    return { outcome: 'failed', anchor: 'credentials', message: 'Not saved: this token has already expired (its JWT says so). Copy a fresh one from the browser.' };
  }
  await saveCredentials(account, credentials);
  const expiry = credentials.expiresAt ? `; the token expires in ${formatDuration(credentials.expiresAt - now)}` : '; the token is not a JWT, so its expiry is unknown';
  const shadowed = pickCurrentCredentials(account.settings.upstream.manualCredentials, credentials) !== credentials;
  return {
    outcome: shadowed ? 'info' : 'ok',
    anchor: 'credentials',
    message: shadowed
      ? `Saved the pasted pair${expiry}, but JM_TOKEN in the environment is newer and stays in use.`
      : `Saved the pasted pair${expiry}. Instances pick it up within 5 minutes, or at once when their current token is rejected. Use "Heartbeat now" to check it.`,
  };
};
