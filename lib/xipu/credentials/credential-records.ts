import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { XipuCredentials } from '@/lib/xipu/api/xipu-api';
import type { CredentialOrigin, StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import { readTokenTimes } from '@/lib/xipu/api/read-token-times';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import { xipuAccountTtls } from '@/lib/xipu/account/account-keys';

/**
 * What the store keeps about XIPU's credentials and the logins that produce them. Tokens
 * live only here and in the environment: never in logs, never in an answer.
 */

const storedCredentialsSchema = z.object({
  jmToken: z.string().min(1),
  sdpSession: z.string().min(1),
  origin: z.enum(['env', 'login', 'manual', 'demo']),
  issuedAt: z.number().optional(),
  expiresAt: z.number().optional(),
  obtainedAt: z.number().optional(),
});

/** The last login as the admin page and waiting requests see it. */
export interface LoginState {
  outcome: 'success' | 'failure';
  attemptedAt: number;
  durationMs: number;
  failedStep?: string;
  /** Why it failed, in words safe to show (never a password or token). */
  message?: string;
  consecutiveFailures: number;
  /** No login before this time (back-off after failures), epoch ms. */
  nextAttemptAt?: number;
}

const loginStateSchema = z.object({
  outcome: z.enum(['success', 'failure']),
  attemptedAt: z.number(),
  durationMs: z.number(),
  failedStep: z.string().optional(),
  message: z.string().optional(),
  consecutiveFailures: z.number(),
  nextAttemptAt: z.number().optional(),
});

/** Describes a pair with the times read from its token. */
export function describeCredentials(credentials: XipuCredentials, origin: CredentialOrigin, obtainedAt?: number): StoredCredentials {
  return { jmToken: credentials.jmToken, sdpSession: credentials.sdpSession, origin, obtainedAt, ...readTokenTimes(credentials.jmToken) };
}

export async function readStoredCredentials(account: AccountStore): Promise<StoredCredentials | undefined> {
  return parseJson(await account.store.get(account.keys.credentials), storedCredentialsSchema);
}

/** Saves credentials for every instance (a login, or a pair pasted by hand). */
export async function saveCredentials(account: AccountStore, credentials: StoredCredentials): Promise<void> {
  await account.store.set(account.keys.credentials, JSON.stringify(credentials));
}

export async function readLoginState(account: AccountStore): Promise<LoginState | undefined> {
  return parseJson(await account.store.get(account.keys.loginState), loginStateSchema);
}

export async function saveLoginState(account: AccountStore, state: LoginState): Promise<void> {
  await account.store.set(account.keys.loginState, JSON.stringify(state));
}

/**
 * A token's name in the store and in logs: the first 16 hex digits of its SHA-256. Enough to
 * tell tokens apart, useless to call XIPU with.
 */
export function credentialFingerprint(credentials: Pick<XipuCredentials, 'jmToken'>): string {
  return createHash('sha256').update(credentials.jmToken).digest('hex').slice(0, 16);
}

/** The failed-login step of a fresh token that XIPU rejected before it served a call. */
export const TOKEN_REJECTED_STEP = 'token-rejected';

/**
 * Records, for every instance, that this token has served a successful upstream call (kept
 * until a day after the token expires). Only the first mark per token writes: SET NX. The
 * first mark also ends a `token-rejected` back-off: that failure said "a new login would be
 * rejected too", and a token that works again proves the block has lifted (a wrong password's
 * back-off, any other step, stays). Costs one command per token and instance, plus one read
 * of the login state (and a write when it clears) the first time anywhere.
 * @returns true for the token's first recorded success anywhere.
 */
export async function markCredentialsServed(account: AccountStore, credentials: Pick<XipuCredentials, 'jmToken'>, now: number): Promise<boolean> {
  const { expiresAt } = readTokenTimes(credentials.jmToken);
  const ttlMs = Math.max(0, (expiresAt ?? now) - now) + xipuAccountTtls.credentialsServedSlackMs;
  const first = await account.store.setIfAbsent(account.keys.credentialsServed(credentialFingerprint(credentials)), String(now), ttlMs);
  if (!first) return false;
  const state = await readLoginState(account);
  if (state?.outcome === 'failure' && state.failedStep === TOKEN_REJECTED_STEP && state.nextAttemptAt !== undefined) {
    const { nextAttemptAt: _lifted, ...rest } = state;
    await saveLoginState(account, { ...rest, consecutiveFailures: 0 });
  }
  return true;
}

/**
 * Records that this token (a fresh login's, never served) was rejected. True for the first
 * such record anywhere: only that rejection counts as a failed login.
 */
export async function markCredentialsRejected(account: AccountStore, credentials: Pick<XipuCredentials, 'jmToken'>, now: number): Promise<boolean> {
  const { expiresAt } = readTokenTimes(credentials.jmToken);
  const ttlMs = Math.max(0, (expiresAt ?? now) - now) + xipuAccountTtls.credentialsServedSlackMs;
  return account.store.setIfAbsent(account.keys.credentialsRejected(credentialFingerprint(credentials)), String(now), ttlMs);
}

/** When this token's rejection was first recorded (markCredentialsRejected), if it was. */
export async function readCredentialsRejectedAt(account: AccountStore, credentials: Pick<XipuCredentials, 'jmToken'>): Promise<number | undefined> {
  const raw = await account.store.get(account.keys.credentialsRejected(credentialFingerprint(credentials)));
  const at = raw === null ? Number.NaN : Number(raw);
  return Number.isFinite(at) ? at : undefined;
}

/** Whether any instance has recorded a successful upstream call with this token. */
export async function hasCredentialsServed(account: AccountStore, credentials: Pick<XipuCredentials, 'jmToken'>): Promise<boolean> {
  return (await account.store.get(account.keys.credentialsServed(credentialFingerprint(credentials)))) !== null;
}

/** Keeps the failed page's screenshot for a day, for the admin page. */
export async function saveLoginScreenshot(account: AccountStore, jpeg: Uint8Array): Promise<void> {
  await account.store.set(account.keys.loginScreenshot, Buffer.from(jpeg).toString('base64'), { ttlMs: xipuAccountTtls.loginScreenshotMs });
}

/** The last failed login's screenshot (JPEG), if one is kept. */
export async function readLoginScreenshot(account: AccountStore): Promise<Buffer | undefined> {
  const stored = await account.store.get(account.keys.loginScreenshot);
  return stored ? Buffer.from(stored, 'base64') : undefined;
}

function parseJson<T>(raw: string | null, schema: z.ZodType<T>): T | undefined {
  if (!raw) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
