import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The limits a managed key carries; each one absent means the gateway-wide default
 * (RATE_LIMIT_RPM, MAX_CONCURRENT_PER_KEY) or no limit (models, dailyTokens).
 */
export const keyLimitsSchema = z.strictObject({
  /** Model ids the key may ask for, as the client names them (before MODEL_ALIASES). */
  models: z.array(z.string().trim().min(1).max(200)).min(1).max(200).optional(),
  rpm: z.number().int().positive().max(1_000_000).optional(),
  maxConcurrent: z.number().int().positive().max(10_000).optional(),
  /** Prompt plus completion tokens per UTC day. */
  dailyTokens: z.number().int().positive().max(1_000_000_000_000).optional(),
  /** ISO 8601; from then on the key answers 401 `api_key_expired`. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type KeyLimits = z.infer<typeof keyLimitsSchema>;

/** What POST /api/admin/keys takes. */
export const createKeySchema = keyLimitsSchema.extend({ name: z.string().trim().min(1).max(100) });
export type CreateKeyInput = z.infer<typeof createKeySchema>;

/**
 * What PATCH /api/admin/keys/{id} takes: any field of the creation, `null` removing a limit.
 * At least one field.
 */
export const patchKeySchema = z
  .strictObject({
    name: createKeySchema.shape.name.optional(),
    models: keyLimitsSchema.shape.models.nullable(),
    rpm: keyLimitsSchema.shape.rpm.nullable(),
    maxConcurrent: keyLimitsSchema.shape.maxConcurrent.nullable(),
    dailyTokens: keyLimitsSchema.shape.dailyTokens.nullable(),
    expiresAt: keyLimitsSchema.shape.expiresAt.nullable(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'nothing to change: send at least one field' });
export type KeyPatch = z.infer<typeof patchKeySchema>;

/** A managed key as stored: its SHA-256, never the key. */
export const managedKeyRecordSchema = keyLimitsSchema.extend({
  id: z.string(),
  name: z.string(),
  hash: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
});
export type ManagedKeyRecord = z.infer<typeof managedKeyRecordSchema>;

/** A managed key as the admin API shows it: no key, no hash. */
export type ManagedKeyView = Omit<ManagedKeyRecord, 'hash'>;

/** A managed key's id: `key_` and 16 hex digits (public: in URLs, forms, logs and request records, never a secret). */
export const KEY_ID_PATTERN = /^key_[0-9a-f]{16}$/;

/** The hex SHA-256 under which a key is found: a key has ≥ 128 random bits, so a fast hash is enough. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function toKeyView(record: ManagedKeyRecord): ManagedKeyView {
  const { hash: _hash, ...view } = record;
  return view;
}

/** The record's JSON as stored, or undefined when it is not a record (never trusted blindly: it comes from the store). */
export function parseKeyRecord(json: string): ManagedKeyRecord | undefined {
  try {
    const parsed = managedKeyRecordSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
