import type { z } from 'zod';
import { describeIssue } from '@/lib/config/provider-entries';
import { GatewayError, invalidRequest } from '@/lib/errors/gateway-error';
import type { RouteHandler, RouteScope } from '@/lib/http/gateway-route';
import { readJsonBody } from '@/lib/http/read-json-body';
import { createManagedKey } from '@/lib/keys/create-managed-key';
import { listManagedKeys } from '@/lib/keys/list-managed-keys';
import { createKeySchema, patchKeySchema, toKeyView } from '@/lib/keys/managed-key';
import { readKeyUsage } from '@/lib/keys/read-key-usage';
import { revokeManagedKey, updateManagedKey } from '@/lib/keys/update-managed-key';
import { authorizeAdminRequest } from './authorize-admin-request';

/** A key's settings are a few hundred bytes; this bounds what an admin call can make the store hold. */
const MAX_BODY_BYTES = 16 * 1024;
const NO_STORE = { 'cache-control': 'no-store' };

/**
 * GET /api/admin/keys: the managed keys (`source: "store"`) with their limits and usage, then
 * API_KEYS' entries by name (`source: "environment"`, read-only: changed by a redeploy). Never
 * a key or its hash. One store command, plus one per managed key for its usage.
 */
export const listKeysHandler: RouteHandler = async (request, scope) => {
  const { config, store, now } = scope.context;
  await authorizeAdminRequest(request, config, now());
  const records = await listManagedKeys(store);
  const managed = await Promise.all(records.map(async (record) => ({ ...toKeyView(record), source: 'store' as const, usage: await readKeyUsage(store, record.id, now()) })));
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
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || null;
    throw invalidRequest(`Invalid key settings: ${describeIssue(parsed.error)}.`, field, 'invalid_key_settings');
  }
  return parsed.data;
}

function keyIdParam(scope: RouteScope): string {
  const raw = scope.params.id;
  const id = Array.isArray(raw) ? raw.join('/') : (raw ?? '');
  if (!/^key_[0-9a-f]{16}$/.test(id)) throw invalidRequest('The key id in the path looks like key_ and 16 hex digits.', 'id', 'invalid_key_id');
  return id;
}

function keyNotFound(id: string): never {
  throw new GatewayError(`No key '${id}' exists.`, { status: 404, type: 'not_found_error', code: 'key_not_found', param: 'id', retryable: false });
}
