import { randomBytes } from 'node:crypto';
import { CompactSign, compactVerify } from 'jose';
import { z } from 'zod';
import { deriveAdminKey, hasCanonicalSignature } from '../access/admin-session';

/**
 * What an action did, carried to the page in the redirect after the POST (PRG) as
 * `?result=<compact JWS>`: the result as JSON, signed HS256 by jose with a key derived from
 * ADMIN_PASSWORD. Signed, so nobody can link the admin to a page that shows a message of their
 * choosing; shown only while fresh, so an old bookmarked URL does not pretend an action just
 * ran. A link of the earlier hand-made format (`<payload>.<signature>`) is not a JWS and shows
 * no result, as any stale link would not.
 */
export interface ActionResult {
  action: string;
  outcome: 'ok' | 'failed' | 'info';
  message: string;
  /** Epoch ms. */
  at: number;
}

const resultSchema = z.object({
  action: z.string().max(40),
  outcome: z.enum(['ok', 'failed', 'info']),
  message: z.string().max(2_000),
  at: z.number(),
});

/** A result older than this is not shown (a reload a while later shows the panels only). */
export const ACTION_RESULT_FRESH_MS = 10 * 60_000;

const PROCESS_KEY = Symbol.for('xipu-gateway.admin-result-key');

/** The signing key: from ADMIN_PASSWORD, else (open local page) a random key of this process. */
function resultKey(password: string | undefined): Buffer {
  if (password) return deriveAdminKey(password, 'action-result');
  const holder = globalThis as { [PROCESS_KEY]?: Buffer };
  holder[PROCESS_KEY] ??= randomBytes(32);
  return holder[PROCESS_KEY];
}

const RESULT_ALGORITHM = 'HS256';

/** The compact JWS of `result` (its message cut to 2,000 characters). */
export async function encodeActionResult(result: ActionResult, password: string | undefined): Promise<string> {
  const payload = new TextEncoder().encode(JSON.stringify({ ...result, message: result.message.slice(0, 2_000) }));
  return new CompactSign(payload).setProtectedHeader({ alg: RESULT_ALGORITHM }).sign(resultKey(password));
}

/** The result in `value` when its signature holds (constant time, in jose) and it is fresh; else undefined. */
export async function decodeActionResult(value: string | undefined, password: string | undefined, now: number): Promise<ActionResult | undefined> {
  if (!value || value.length > 4_000 || !hasCanonicalSignature(value)) return undefined;
  try {
    const { payload } = await compactVerify(value, resultKey(password), { algorithms: [RESULT_ALGORITHM] });
    const parsed = resultSchema.safeParse(JSON.parse(new TextDecoder().decode(payload)));
    if (!parsed.success || now - parsed.data.at > ACTION_RESULT_FRESH_MS || parsed.data.at > now + 60_000) return undefined;
    return parsed.data;
  } catch {
    return undefined;
  }
}
