import type { z } from 'zod';
import { GatewayError, invalidRequest } from '@/lib/errors/gateway-error';
import type { RouteHandler, RouteScope } from '@/lib/http/gateway-route';
import { readJsonBody } from '@/lib/http/read-json-body';
import { createManagedKey } from '@/lib/keys/create-managed-key';
import { listManagedKeys } from '@/lib/keys/list-managed-keys';
import { createKeySchema, KEY_ID_PATTERN, patchKeySchema, toKeyView } from '@/lib/keys/managed-key';
import { readKeysUsage } from '@/lib/keys/read-keys-usage';
import { revokeManagedKey, updateManagedKey } from '@/lib/keys/update-managed-key';
import { validateKeySettings } from '@/lib/keys/validate-key-settings';
import { authorizeAdminRequest } from './authorize-admin-request';

/** A key's settings are a few hundred bytes; this bounds what an admin call can make the store hold. */
const MAX_BODY_BYTES = 16 * 1024;
const NO_STORE = { 'cache-control': 'no-store' };

/**
 * GET /api/admin/keys: the managed keys (`source: "store"`) with their limits and usage, then
 * API_KEYS' entries by name (`source: "environment"`, read-only: changed by a redeploy). Never
 * a key or its hash. Two store commands whatever the number of keys (the records; every key's
 * usage in one script), one without managed keys. `usage.days` lists only the days with use.
 */
export const listKeysHandler: RouteHandler = async (request, scope) => {
  const { config, store, now } = scope.context;
  await authorizeAdminRequest(request, config, now());
  const records = await listManagedKeys(store);
  const usage = await readKeysUsage(store, records.map((record) => record.id), now());
  const managed = records.map((record) => {
    const { days, ...summary } = usage.get(record.id)!;
    return { ...toKeyView(record), source: 'store' as const, usage: { ...summary, days: days.filter((day) => day.requests > 0 || day.errors > 0) } };
  });
  const environment = config.clientKeys.map((clientKey) => ({ name: clientKey.name, source: 'environment' as const, readOnly: true }));
  return Response.json({ object: 'list', data: [...managed, ...environment] }, { headers: NO_STORE });
};

/** POST /api/admin/keys: creates a key; 201 with the key, the only time it is shown. */
export const createKeyHandler: RouteHandler = async (request, scope) => {
  const { config, store, now } = scope.context;
  await authorizeAdminRequest(request, config, now());
  const input = parseBody(createKeySchema, await readJsonBody(request, MAX_BODY_BYTES));
  const { record, key } = await createManagedKey(store, input, now());
  scope.logFields.key = record.id;
  return Response.json({ ...toKeyView(record), key, source: 'store' }, { status: 201, headers: NO_STORE });
};

/** PATCH /api/admin/keys/{id}: changes name, limits or expiry (`null` removes one). 404 `key_not_found`. */
export const updateKeyHandler: RouteHandler = async (request, scope) => {
  const { config, store, now } = scope.context;
  await authorizeAdminRequest(request, config, now());
  const id = keyIdParam(scope);
  const patch = parseBody(patchKeySchema, await readJsonBody(request, MAX_BODY_BYTES));
  const record = (await updateManagedKey(store, id, patch)) ?? keyNotFound(id);
  return Response.json({ ...toKeyView(record), source: 'store' }, { headers: NO_STORE });
};

/** DELETE /api/admin/keys/{id}: revokes at once, on every instance (the record stays, listed as revoked). 404 `key_not_found`. */
export const revokeKeyHandler: RouteHandler = async (request, scope) => {
  const { config, store, now } = scope.context;
  await authorizeAdminRequest(request, config, now());
  const id = keyIdParam(scope);
  const record = (await revokeManagedKey(store, id, now())) ?? keyNotFound(id);
  return Response.json({ ...toKeyView(record), source: 'store', revoked: true }, { headers: NO_STORE });
};

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const checked = validateKeySettings(schema, body);
  if (!checked.ok) throw invalidRequest(checked.message, checked.field, 'invalid_key_settings');
  return checked.settings;
}

function keyIdParam(scope: RouteScope): string {
  const raw = scope.params.id;
  const id = Array.isArray(raw) ? raw.join('/') : (raw ?? '');
  if (!KEY_ID_PATTERN.test(id)) throw invalidRequest('The key id in the path looks like key_ and 16 hex digits.', 'id', 'invalid_key_id');
  return id;
}

function keyNotFound(id: string): never {
  throw new GatewayError(`No key '${id}' exists.`, { status: 404, type: 'not_found_error', code: 'key_not_found', param: 'id', retryable: false });
}
