import { createHash } from 'node:crypto';
import type { GatewayConfig } from '@/lib/config/env';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { KeyLimits } from '@/lib/keys/managed-key';
import { timingSafeEqual } from './timing-safe-equal';

/** Who is calling: the name shown in logs, and a stable id for per-key limits. */
export interface ClientIdentity {
  name: string;
  /** Safe to use in store keys: never the key itself. */
  id: string;
  /** A managed key's own limits (lib/keys); absent for API_KEYS and anonymous use, which get the global ones. */
  managed?: KeyLimits;
}

export const ANONYMOUS: ClientIdentity = { name: 'anonymous', id: 'anonymous' };

/**
 * Reads the client key from `Authorization: Bearer`, `x-api-key` or `api-key` (clients differ:
 * docs/client-compat.md "Auth") and checks it against API_KEYS in constant time, comparing
 * every configured key so timing does not reveal which one matched.
 *
 * Without API_KEYS: allowed locally (the caller logs a warning); refused when hosted unless
 * ALLOW_ANONYMOUS=true.
 * @throws GatewayError 401 when the key is missing or wrong.
 */
export function authenticateClient(headers: Headers, config: GatewayConfig): ClientIdentity {
  if (config.clientKeys.length === 0) {
    if (config.hosted && !config.allowAnonymous) throw apiKeysNotConfigured();
    return ANONYMOUS;
  }

  const given = readClientKey(headers);
  if (!given) throw missingApiKey();

  const matched = matchEnvironmentKey(given, config);
  if (!matched) throw invalidApiKey();
  return matched;
}

/**
 * The API_KEYS entry `given` is, compared in constant time against every configured key so
 * timing does not reveal which one matched; undefined when none.
 */
export function matchEnvironmentKey(given: string, config: Pick<GatewayConfig, 'clientKeys'>): ClientIdentity | undefined {
  let matched: ClientIdentity | undefined;
  for (const clientKey of config.clientKeys) {
    if (timingSafeEqual(given, clientKey.key) && !matched) matched = environmentKeyIdentity(clientKey);
  }
  return matched;
}

/** An API_KEYS entry's identity: its name, and an id derived from the key (never the key). */
export function environmentKeyIdentity(clientKey: GatewayConfig['clientKeys'][number]): ClientIdentity {
  return { name: clientKey.name, id: createHash('sha256').update(clientKey.key).digest('hex').slice(0, 16) };
}

/** 401 `invalid_api_key`, OpenAI's answer to a wrong (or revoked) key. */
export function invalidApiKey(message = 'Incorrect API key provided.'): GatewayError {
  return new GatewayError(message, { status: 401, type: 'authentication_error', code: 'invalid_api_key', retryable: false });
}

/** 401 `missing_api_key`. */
export function missingApiKey(): GatewayError {
  return new GatewayError('Missing API key: send it as "Authorization: Bearer <key>".', {
    status: 401,
    type: 'authentication_error',
    code: 'missing_api_key',
    retryable: false,
  });
}

/** 401 `api_keys_not_configured`: hosted, no key of any kind, and not opened with ALLOW_ANONYMOUS. */
export function apiKeysNotConfigured(): GatewayError {
  return new GatewayError(
    'This gateway has no API keys configured, so it refuses anonymous use. Set API_KEYS in the deployment, create a key with /api/admin/keys (or ALLOW_ANONYMOUS=true to open it to anyone).',
    { status: 401, type: 'authentication_error', code: 'api_keys_not_configured', retryable: false },
  );
}

export function readClientKey(headers: Headers): string | undefined {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer(?:\s+(.*))?$/i.exec(authorization.trim());
    const token = (match ? (match[1] ?? '') : authorization).trim();
    if (token) return token;
  }
  return headers.get('x-api-key')?.trim() || headers.get('api-key')?.trim() || undefined;
}
