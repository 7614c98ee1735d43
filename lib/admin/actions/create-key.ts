import { createManagedKey } from '@/lib/keys/create-managed-key';
import { createKeySchema } from '@/lib/keys/managed-key';
import { validateKeySettings } from '@/lib/keys/validate-key-settings';
import { adminStoreKeys, adminTtls } from '../context/admin-keys';
import type { AdminAction } from './admin-action';
import { readKeyForm } from './read-key-form';

/** The random id each rendered "Create a key" form carries (lib/admin/view/panels/describe-keys-panel.ts). */
const FORM_ID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * "Create a key": the form's settings through the JSON API's validation, then the key made
 * and stored as its hash (one store command). The key itself is only in `reveal`, which the
 * action route shows on the answer's own page, once (never in the redirect's signed result).
 * That page is the answer to a POST, so reloading it sends the form again: the form's id is
 * remembered (SET NX, one more command), and a form sent twice makes no second key.
 */
export const createKey: AdminAction = async ({ form, context, dependencies }) => {
  const checked = validateKeySettings(createKeySchema, readKeyForm(form, 'create'));
  if (!checked.ok) return { outcome: 'failed', anchor: 'keys', message: `Not created: ${checked.message}` };
  const formId = form.get('formId') ?? '';
  if (!FORM_ID.test(formId)) return { outcome: 'failed', anchor: 'keys', message: 'Not created: the form has no form id. Use the form on this page (reload it first).' };
  if (!(await context.store.setIfAbsent(adminStoreKeys.keyFormSent(formId), '1', adminTtls.keyFormSentMs))) {
    return { outcome: 'info', anchor: 'keys', message: 'This form was sent before, and its key was made then (shown once, on that answer): nothing new was created. It is listed below.' };
  }
  const { record, key } = await createManagedKey(context.store, checked.settings, dependencies.now());
  return {
    outcome: 'ok',
    anchor: 'keys',
    message: `Created the key '${record.name}' (${record.id})`,
    reveal: { label: `The new key for '${record.name}'`, secret: key },
  };
};
