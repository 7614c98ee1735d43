import { primaryXipuAccount } from '@/lib/gateway/build-gateway-context';
import { describeCredentials, saveCredentials } from '@/lib/xipu/credentials/credential-records';
import { pickCurrentCredentials } from '@/lib/xipu/credentials/current-credentials';
import { formatDuration } from '../view/format-time';
import type { AdminAction } from './admin-action';

/** Longest value accepted for either field (a jm-token JWT is a few hundred characters). */
const MAX_CREDENTIAL_LENGTH = 4_096;

/**
 * "Paste credentials": the `jm-token` and `sdp-app-session` request headers copied from the
 * browser, saved for every instance with source `manual`. Refuses an empty, malformed or
 * already expired pair. The values never appear in the answer.
 */
export const saveManualCredentials: AdminAction = async ({ form, config, context, dependencies }) => {
  const jmToken = cleanPastedValue(form.get('jm-token'), 'jm-token');
  const sdpSession = cleanPastedValue(form.get('sdp-app-session'), 'sdp-app-session');
  if (!jmToken.ok || !sdpSession.ok) {
    const problems = [jmToken, sdpSession].flatMap((field) => (field.ok ? [] : [field.problem]));
    return { outcome: 'failed', anchor: 'credentials', message: `Not saved: ${problems.join('; ')}.` };
  }
  const now = dependencies.now();
  const credentials = describeCredentials({ jmToken: jmToken.value, sdpSession: sdpSession.value }, 'manual', now);
  if (credentials.expiresAt !== undefined && credentials.expiresAt <= now) {
    return { outcome: 'failed', anchor: 'credentials', message: 'Not saved: this jm-token has already expired (its JWT says so). Copy a fresh one from the browser.' };
  }
  await saveCredentials(primaryXipuAccount(context), credentials);
  const expiry = credentials.expiresAt ? `; the token expires in ${formatDuration(credentials.expiresAt - now)}` : '; the token is not a JWT, so its expiry is unknown';
  const shadowed = pickCurrentCredentials(config.xipu.manualCredentials, credentials) !== credentials;
  return {
    outcome: shadowed ? 'info' : 'ok',
    anchor: 'credentials',
    message: shadowed
      ? `Saved the pasted pair${expiry}, but JM_TOKEN in the environment is newer and stays in use.`
      : `Saved the pasted pair${expiry}. Instances pick it up within 5 minutes, or at once when their current token is rejected. Use "Heartbeat now" to check it.`,
  };
};

type CleanedValue = { ok: true; value: string } | { ok: false; problem: string };

/** Accepts the bare value, or the header line as copied from the browser's network panel (`jm-token: …`). */
function cleanPastedValue(raw: string | null, header: string): CleanedValue {
  let value = (raw ?? '').trim();
  const prefix = new RegExp(`^${header}\\s*:\\s*`, 'i');
  value = value.replace(prefix, '').replace(/^["']|["']$/g, '').trim();
  if (value === '') return { ok: false, problem: `${header} is empty` };
  if (value.length > MAX_CREDENTIAL_LENGTH) return { ok: false, problem: `${header} is longer than ${MAX_CREDENTIAL_LENGTH} characters` };
  if (/[\s\u0000-\u001f\u007f]/.test(value)) return { ok: false, problem: `${header} contains spaces or line breaks (copy only the value)` };
  return { ok: true, value };
}
