import { KEY_ID_PATTERN } from '@/lib/keys/managed-key';
import { revokeManagedKey } from '@/lib/keys/update-managed-key';
import type { AdminAction } from './admin-action';

/**
 * "Revoke": like DELETE /api/admin/keys/{id}, one store command; every instance refuses the
 * key from its next request (401). The record stays, listed as revoked with its usage.
 */
export const revokeKey: AdminAction = async ({ form, context, dependencies }) => {
  const id = form.get('id') ?? '';
  if (!KEY_ID_PATTERN.test(id)) return { outcome: 'failed', anchor: 'keys', message: 'Not revoked: the form names no key (id).' };
  const record = await revokeManagedKey(context.store, id, dependencies.now());
  if (!record) return { outcome: 'failed', anchor: 'keys', message: `Not revoked: no key '${id}' exists.` };
  return { outcome: 'ok', anchor: 'keys', message: `Revoked '${record.name}' (${id}): every instance refuses it from the next request.` };
};
