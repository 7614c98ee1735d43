import type { GatewayConfig } from '@/lib/config/env';
import { GatewayError } from '@/lib/errors/gateway-error';
import { listManagedKeys } from '@/lib/keys/list-managed-keys';
import type { Store } from '@/lib/store/store';
import { environmentKeyIdentity, type ClientIdentity } from './authenticate-client';
import { admitManagedKey } from './identify-client';

/** Whom the admin's own chat on /admin runs as when no key is chosen: the global limits. */
export const ADMIN_CLIENT: ClientIdentity = { name: 'admin', id: 'admin' };

/** A managed key's id (lib/keys/create-managed-key.ts). */
const MANAGED_KEY_ID = /^key_[0-9a-f]{16}$/;

/**
 * The identity of a client key the admin chose by name, without its text (the /admin chat,
 * docs/keys.md "The /admin chat"), exactly as a request with that key would get it — so its
 * allow-list, rate limit, concurrency cap, daily quota and usage counters apply:
 * - `key_…`: the managed key with that id (one store command); a revoked or expired key
 *   answers the error its own requests get (401 `invalid_api_key`, `api_key_expired`);
 * - any other name: the API_KEYS entry with that name (the first, when several share it),
 *   with the same id its key gets, so the two share one rate limit and concurrency cap;
 * - none: {@link ADMIN_CLIENT}, with the global limits.
 * @throws GatewayError 404 `key_not_found` when no key has that id or name.
 */
export async function identifyChosenClient(choice: string | undefined, config: Pick<GatewayConfig, 'clientKeys'>, store: Store, now: number): Promise<ClientIdentity> {
  if (choice === undefined) return ADMIN_CLIENT;
  if (MANAGED_KEY_ID.test(choice)) {
    const record = (await listManagedKeys(store)).find((candidate) => candidate.id === choice);
    if (record) return admitManagedKey(record, now);
  } else {
    const entry = config.clientKeys.find((clientKey) => clientKey.name === choice);
    if (entry) return environmentKeyIdentity(entry);
  }
  throw new GatewayError('No client key has that id or name: choose a managed key by its id (key_…) or an API_KEYS entry by its name.', {
    status: 404,
    type: 'not_found_error',
    code: 'key_not_found',
    param: 'keyId',
    retryable: false,
  });
}
