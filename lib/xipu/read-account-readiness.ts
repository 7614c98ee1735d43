import type { Pacer } from '@/lib/pacing/pacer';
import type { Readiness } from '@/lib/providers/chat-provider';
import type { AccountStore } from './account/account-store';
import type { XipuAccountSettings } from './account/account-settings';
import { readLoginState, readStoredCredentials } from './credentials/credential-records';
import { pickCurrentCredentials } from './credentials/current-credentials';

/** Credentials this close to expiry would need a login before a chat could use them. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Whether one XIPU account can take a chat now, for routing between accounts
 * (docs/accounts.md): four store reads in parallel (its schedule's earliest slot, its
 * stored credentials, its last login, its session-cap mark), no upstream call.
 *
 * - usable credentials (the environment's or the stored pair, not within a minute of expiry):
 *   available, starting at its schedule's earliest slot;
 * - none, and its logins are backed off after failures: unavailable until then;
 * - none, and it can log in: unavailable, "needs a login" — a chat sent there would wait for
 *   the browser (up to LOGIN_WAIT_MS) while another account could answer now;
 * - none, and it cannot log in: unavailable.
 *
 * - XIPU refused it a session for the 50-session cap in the last minute: unavailable, "at the
 *   session cap" (the refusal itself failed over before the first byte).
 */
export async function readAccountReadiness(account: AccountStore, settings: XipuAccountSettings, pacer: Pacer, now: () => number): Promise<Readiness> {
  const [start, stored, login, capRefused] = await Promise.all([
    pacer.earliestStart(),
    readStoredCredentials(account),
    settings.login.enabled ? readLoginState(account) : undefined,
    account.store.get(account.keys.sessionCapRefused),
  ]);
  const current = pickCurrentCredentials(settings.upstream.manualCredentials, stored);
  const at = now();
  if (capRefused !== null) return { available: false, reason: 'at the session cap' };
  if (current && (current.expiresAt === undefined || current.expiresAt - at > EXPIRY_MARGIN_MS)) {
    return { available: true, startsInMs: Math.max(0, start.waitMs), inFlight: 0 };
  }
  if (!settings.login.enabled) return { available: false, reason: current ? 'its credentials have expired (no login configured)' : 'no credentials' };
  if (login?.outcome === 'failure' && login.nextAttemptAt !== undefined && login.nextAttemptAt > at) {
    return { available: false, reason: `logins backed off until ${new Date(login.nextAttemptAt).toISOString()}` };
  }
  return { available: false, reason: 'needs a login' };
}
