import { z } from 'zod';
import { DEFAULT_ACCOUNT_ID } from '@/lib/xipu/account/account-keys';
import type { LoginTrigger } from './credential-manager';

const replySchema = z.union([
  z.object({ status: z.enum(['started', 'in-progress']) }),
  z.object({ status: z.literal('backed-off'), nextAttemptAt: z.number(), message: z.string().optional(), failedStep: z.string().optional() }),
]);

/**
 * Asks this deployment's login route to log in (`POST {origin}/api/login`). The /v1 routes
 * use it so they never bundle the browser. The origin is the one the client used — not
 * VERCEL_URL, which Deployment Protection answers with 401 — and `bypassSecret` (Vercel's
 * "Protection Bypass for Automation") gets through protection when it is on.
 */
export function createHttpLoginTrigger(options: {
  secret: string | undefined;
  bypassSecret?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** The account to log in (`?account=<id>`); the default account's route takes none. */
  accountId?: string;
}): LoginTrigger {
  return async (origin) => {
    if (!origin) throw new Error('the request has no origin to reach the login route at');
    if (!options.secret) throw new Error('CRON_SECRET is not set, so the login route cannot be called');
    const headers: Record<string, string> = { authorization: `Bearer ${options.secret}` };
    if (options.bypassSecret) headers['x-vercel-protection-bypass'] = options.bypassSecret;
    const query = options.accountId && options.accountId !== DEFAULT_ACCOUNT_ID ? `?account=${encodeURIComponent(options.accountId)}` : '';
    const response = await (options.fetch ?? fetch)(`${origin}/api/login${query}`, {
      method: 'POST',
      headers,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    let parsed: z.infer<typeof replySchema> | undefined;
    try {
      const result = replySchema.safeParse(JSON.parse(text));
      parsed = result.success ? result.data : undefined;
    } catch {
      parsed = undefined;
    }
    if (!parsed) throw new Error(`the login route answered HTTP ${response.status}${response.status === 401 ? ' (Deployment Protection or a wrong CRON_SECRET?)' : ''}`);
    return parsed;
  };
}
