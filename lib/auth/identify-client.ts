import type { GatewayConfig } from '@/lib/config/env';
import { GatewayError } from '@/lib/errors/gateway-error';
import { countManagedKeys, findManagedKey } from '@/lib/keys/find-managed-key';
import type { ManagedKeyRecord } from '@/lib/keys/managed-key';
import type { Store } from '@/lib/store/store';
import { ANONYMOUS, apiKeysNotConfigured, invalidApiKey, matchEnvironmentKey, missingApiKey, readClientKey, type ClientIdentity } from './authenticate-client';

/**
 * Who is calling, from API_KEYS or the managed keys (lib/keys, docs/keys.md):
 * - a key in API_KEYS: matched in constant time with no store command, as before managed keys;
 * - any other key: looked up by its SHA-256 in one store command, nothing cached, so a revoked
 *   key is refused by the next request on every instance (401 `invalid_api_key`), an expired
 *   one with 401 `api_key_expired`;
 * - no key, or a key nobody knows while no key of either kind exists: anonymous, as before —
 *   allowed locally, refused when hosted unless ALLOW_ANONYMOUS=true. Once a managed key
 *   exists a key is required, as API_KEYS requires one.
 * @throws GatewayError 401.
 */
export async function identifyClient(headers: Headers, config: GatewayConfig, store: Store, now: number): Promise<ClientIdentity> {
  const given = readClientKey(headers);
  if (given) {
    const fromEnvironment = matchEnvironmentKey(given, config);
    if (fromEnvironment) return fromEnvironment;
    const lookup = await findManagedKey(store, given);
    if (lookup.found) return admitManagedKey(lookup.record, now);
    if (config.clientKeys.length > 0 || lookup.managedKeyCount > 0) throw invalidApiKey();
  } else {
    if (config.clientKeys.length > 0) throw missingApiKey();
    if ((await countManagedKeys(store)) > 0) throw missingApiKey();
  }
  if (config.hosted && !config.allowAnonymous) throw apiKeysNotConfigured();
  return ANONYMOUS;
}

/**
 * A managed key's identity with its limits, as a request with that key gets it.
 * @throws GatewayError 401 `invalid_api_key` (revoked), `api_key_expired`.
 */
export function admitManagedKey(record: ManagedKeyRecord, now: number): ClientIdentity {
  if (record.revokedAt !== undefined) throw invalidApiKey('This API key was revoked.');
  if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now) {
    throw new GatewayError(`This API key expired at ${record.expiresAt}.`, { status: 401, type: 'authentication_error', code: 'api_key_expired', retryable: false });
  }
  const { models, rpm, maxConcurrent, dailyTokens } = record;
  return { name: record.name, id: record.id, managed: { models, rpm, maxConcurrent, dailyTokens } };
}
