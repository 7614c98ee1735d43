import { z } from 'zod';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import type { XipuCredentials } from './xipu-api';
import { credentialsMissing, loginExpired } from './xipu-errors';
import { readTokenTimes } from './read-token-times';

export type CredentialOrigin = 'env' | 'login' | 'manual' | 'demo';

export interface StoredCredentials extends XipuCredentials {
  origin: CredentialOrigin;
  /** Epoch ms from the JWT, when it is one. */
  issuedAt?: number;
  expiresAt?: number;
}

/** Where the XIPU provider gets its credentials for each request. */
export interface CredentialSource {
  /** @throws GatewayError 503 when there are none or they have expired. */
  current(): Promise<StoredCredentials>;
}

const storedSchema = z.object({
  jmToken: z.string().min(1),
  sdpSession: z.string().min(1),
  origin: z.enum(['env', 'login', 'manual', 'demo']),
  issuedAt: z.number().optional(),
  expiresAt: z.number().optional(),
});

/** Describes a pair with the times read from its token. */
export function describeCredentials(credentials: XipuCredentials, origin: CredentialOrigin): StoredCredentials {
  return { ...credentials, origin, ...readTokenTimes(credentials.jmToken) };
}

/** Saves credentials for every instance (a login, or a pair pasted by hand). */
export async function saveCredentials(store: Store, credentials: StoredCredentials): Promise<void> {
  await store.set(storeKeys.credentials, JSON.stringify(credentials));
}

/**
 * Credentials from the environment (JM_TOKEN + SDP_SESSION) and from the store (a login or
 * a pair pasted by hand): the newer one by the JWT's `iat`/`exp` wins, so a token pasted
 * into the dashboard takes effect and an old env value never overwrites a fresher login.
 * The stored value is cached in memory for `cacheMs` (a cache only: the store stays the
 * truth), which keeps a chat's Redis commands down.
 */
export function createCredentialSource(options: {
  store: Store;
  fromEnvironment?: XipuCredentials;
  now?: () => number;
  cacheMs?: number;
}): CredentialSource {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 15_000;
  const environment = options.fromEnvironment ? describeCredentials(options.fromEnvironment, 'env') : undefined;
  let cached: { value: StoredCredentials | undefined; readAt: number } | undefined;

  async function readStored(): Promise<StoredCredentials | undefined> {
    if (cached && now() - cached.readAt < cacheMs) return cached.value;
    const raw = await options.store.get(storeKeys.credentials);
    let value: StoredCredentials | undefined;
    if (raw) {
      try {
        const parsed = storedSchema.safeParse(JSON.parse(raw));
        value = parsed.success ? parsed.data : undefined;
      } catch {
        value = undefined;
      }
    }
    cached = { value, readAt: now() };
    return value;
  }

  return {
    async current() {
      const stored = await readStored();
      const chosen = pickNewer(environment, stored);
      if (!chosen) throw credentialsMissing();
      if (chosen.expiresAt !== undefined && chosen.expiresAt <= now()) {
        throw loginExpired(`the token from ${chosen.origin === 'env' ? 'JM_TOKEN' : `the ${chosen.origin}`} expired at ${new Date(chosen.expiresAt).toISOString()}`);
      }
      return chosen;
    },
  };
}

function pickNewer(first?: StoredCredentials, second?: StoredCredentials): StoredCredentials | undefined {
  if (!first || !second) return first ?? second;
  const freshness = (credentials: StoredCredentials) => credentials.issuedAt ?? credentials.expiresAt ?? 0;
  return freshness(second) > freshness(first) ? second : first;
}
