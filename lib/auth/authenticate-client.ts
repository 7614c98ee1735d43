import { createHash } from 'node:crypto';
import type { GatewayConfig } from '@/lib/config/env';
import { GatewayError } from '@/lib/errors/gateway-error';
import { timingSafeEqual } from './timing-safe-equal';

/** Who is calling: the name shown in logs, and a stable id for per-key limits. */
export interface ClientIdentity {
  name: string;
  /** Safe to use in store keys: never the key itself. */
  id: string;
}

const ANONYMOUS: ClientIdentity = { name: 'anonymous', id: 'anonymous' };

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
    if (config.hosted && !config.allowAnonymous) {
      throw new GatewayError(
        'This gateway has no API keys configured, so it refuses anonymous use. Set API_KEYS in the deployment (or ALLOW_ANONYMOUS=true to open it to anyone).',
        { status: 401, type: 'authentication_error', code: 'api_keys_not_configured', retryable: false },
      );
    }
    return ANONYMOUS;
  }

  const given = readClientKey(headers);
  if (!given) {
    throw new GatewayError('Missing API key: send it as "Authorization: Bearer <key>".', {
      status: 401,
      type: 'authentication_error',
      code: 'missing_api_key',
      retryable: false,
    });
  }

  let matched: ClientIdentity | undefined;
  for (const clientKey of config.clientKeys) {
    if (timingSafeEqual(given, clientKey.key) && !matched) {
      matched = { name: clientKey.name, id: createHash('sha256').update(clientKey.key).digest('hex').slice(0, 16) };
    }
  }
  if (!matched) {
    throw new GatewayError('Incorrect API key provided.', {
      status: 401,
      type: 'authentication_error',
      code: 'invalid_api_key',
      retryable: false,
    });
  }
  return matched;
}

function readClientKey(headers: Headers): string | undefined {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer(?:\s+(.*))?$/i.exec(authorization.trim());
    const token = (match ? (match[1] ?? '') : authorization).trim();
    if (token) return token;
  }
  return headers.get('x-api-key')?.trim() || headers.get('api-key')?.trim() || undefined;
}
