import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { deriveAdminKey } from './admin-session';

/**
 * What an action did, carried to the page in the redirect after the POST (PRG) as
 * `?result=<payload>.<signature>`. Signed, so nobody can link the admin to a page that
 * shows a message of their choosing; shown only while fresh, so an old bookmarked URL does
 * not pretend an action just ran.
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

export function encodeActionResult(result: ActionResult, password: string | undefined): string {
  const payload = Buffer.from(JSON.stringify({ ...result, message: result.message.slice(0, 2_000) })).toString('base64url');
  return `${payload}.${createHmac('sha256', resultKey(password)).update(payload).digest('base64url')}`;
}

/** The result in `value` when its signature holds and it is fresh; else undefined. */
export function decodeActionResult(value: string | undefined, password: string | undefined, now: number): ActionResult | undefined {
  if (!value || value.length > 4_000) return undefined;
  const [payload, signature, extra] = value.split('.');
  if (!payload || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(createHmac('sha256', resultKey(password)).update(payload).digest('base64url'));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const parsed = resultSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!parsed.success || now - parsed.data.at > ACTION_RESULT_FRESH_MS || parsed.data.at > now + 60_000) return undefined;
    return parsed.data;
  } catch {
    return undefined;
  }
}
