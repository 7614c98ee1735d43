import type { z } from 'zod';
import { describeIssue } from '@/lib/config/provider-entries';

/** A body checked against createKeySchema or patchKeySchema: the settings, or the first problem and its field. */
export type KeySettingsCheck<T> = { ok: true; settings: T } | { ok: false; message: string; field: string | null };

/**
 * The one validation of a key's settings, for the JSON API (lib/handlers/admin-keys.ts, a 400)
 * and the /admin forms (lib/admin/actions, a failed result), so both accept and refuse alike.
 * The message names the field, never echoes a value.
 */
export function validateKeySettings<T>(schema: z.ZodType<T>, body: unknown): KeySettingsCheck<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, message: `Invalid key settings: ${describeIssue(parsed.error)}.`, field: parsed.error.issues[0]?.path.join('.') || null };
}
