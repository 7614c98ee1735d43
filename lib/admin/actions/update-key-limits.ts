import { KEY_ID_PATTERN, patchKeySchema, type ManagedKeyRecord } from '@/lib/keys/managed-key';
import { updateManagedKey } from '@/lib/keys/update-managed-key';
import { validateKeySettings } from '@/lib/keys/validate-key-settings';
import type { AdminAction } from './admin-action';
import { readKeyForm } from './read-key-form';

/**
 * "Save limits": a managed key's name, limits and expiry as the form now has them (an empty
 * field removes that limit), validated like PATCH /api/admin/keys/{id} and written in its one
 * store command. Every instance applies them from the next request.
 */
export const updateKeyLimits: AdminAction = async ({ form, context }) => {
  const id = form.get('id') ?? '';
  if (!KEY_ID_PATTERN.test(id)) return { outcome: 'failed', anchor: 'keys', message: 'Not saved: the form names no key (id).' };
  const checked = validateKeySettings(patchKeySchema, readKeyForm(form, 'update'));
  if (!checked.ok) return { outcome: 'failed', anchor: 'keys', message: `Not saved: ${checked.message}` };
  const record = await updateManagedKey(context.store, id, checked.settings);
  if (!record) return { outcome: 'failed', anchor: 'keys', message: `Not saved: no key '${id}' exists.` };
  return { outcome: 'ok', anchor: 'keys', message: `Saved '${record.name}' (${id}): ${describeLimits(record)}. Every instance applies them from the next request.` };
};

function describeLimits(record: ManagedKeyRecord): string {
  return [
    `models ${record.models?.join(', ') ?? 'any'}`,
    `rpm ${record.rpm ?? 'RATE_LIMIT_RPM'}`,
    `max concurrent ${record.maxConcurrent ?? 'MAX_CONCURRENT_PER_KEY'}`,
    `daily tokens ${record.dailyTokens ?? 'no limit'}`,
    `expires ${record.expiresAt ?? 'never'}`,
  ].join(', ');
}
