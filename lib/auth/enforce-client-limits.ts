import type { GatewayConfig } from '@/lib/config/env';
import { GatewayError } from '@/lib/errors/gateway-error';
import { storeKeys, storeTtls } from '@/lib/store/keys';
import { reserveDailyTokens, type TokenReservation } from '@/lib/keys/reserve-daily-tokens';
import { secondsToNextUtcDay } from '@/lib/keys/utc-day';
import type { Store } from '@/lib/store/store';
import type { ClientIdentity } from './authenticate-client';
import { checkModelAllowed } from './check-model-allowed';
import { acquireLease, releaseLease } from './concurrency-lease';
import { limitRate } from './limit-rate';

/** What the request asks for, for a managed key's allow-list and daily quota. */
export interface LimitedRequest {
  /** The model id as the client sent it, before MODEL_ALIASES. */
  model: string;
  /**
   * Tokens to reserve against the daily quota: the prompt's estimate plus `max_tokens` (or an
   * allowance). A function, so only a key with a quota pays for counting the prompt.
   */
  estimateTokens: () => number;
}

/**
 * Per-client-key rate limit and cap on concurrent requests, shared by every instance, so
 * one client's background calls and SDK retries cannot starve the others
 * (docs/client-compat.md §25). A managed key (docs/keys.md) brings its own `rpm` and
 * `maxConcurrent` instead of RATE_LIMIT_RPM and MAX_CONCURRENT_PER_KEY, may be limited to some
 * models (checked first, with no store command), and may have a daily token quota, reserved
 * last (one more store command) so a refusal before it holds no tokens.
 *
 * @returns the concurrency slot taken: release it once the response closed (the request's
 *   metrics record does, in the same store command: lib/metrics/record-request.ts), and the
 *   tokens reserved, to settle then (lib/keys/settle-key-usage.ts).
 * @throws GatewayError 403 `model_not_allowed`; 429 with Retry-After when a limit is reached.
 */
export async function enforceClientLimits(
  store: Store,
  client: ClientIdentity,
  limits: GatewayConfig['limits'],
  requestId: string,
  now: () => number = Date.now,
  request?: LimitedRequest,
): Promise<ClientLease> {
  if (request) checkModelAllowed(client, request.model);
  const requestsPerMinute = client.managed?.rpm ?? limits.requestsPerMinute;
  const maxConcurrent = client.managed?.maxConcurrent ?? limits.maxConcurrentPerKey;
  const rate = await limitRate(store, { key: storeKeys.rateLimit(client.id), limit: requestsPerMinute, windowMs: 60_000, now: now() });
  if (!rate.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil((rate.resetAt - now()) / 1000));
    throw new GatewayError(
      `Rate limit reached for this API key: ${requestsPerMinute} requests per minute (${client.managed?.rpm ? "the key's rpm" : 'RATE_LIMIT_RPM'}). Try again in ${retryAfterSeconds} s.`,
      { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', retryAfterSeconds },
    );
  }

  const concurrencyKey = storeKeys.concurrency(client.id);
  const acquired = await acquireLease(store, concurrencyKey, {
    member: requestId,
    limit: maxConcurrent,
    now: now(),
    ttlMs: storeTtls.concurrencyLeaseMs,
  });
  if (!acquired) {
    throw new GatewayError(
      `Too many concurrent requests for this API key (${client.managed?.maxConcurrent ? `the key's maxConcurrent=${maxConcurrent}` : `MAX_CONCURRENT_PER_KEY=${maxConcurrent}`}). Wait for one to finish.`,
      { status: 429, type: 'rate_limit_error', code: 'too_many_concurrent_requests', retryAfterSeconds: 2 },
    );
  }
  const lease: ClientLease = { key: concurrencyKey, member: requestId };
  const dailyTokens = client.managed?.dailyTokens;
  if (dailyTokens === undefined || !request) return lease;
  const at = now();
  const tokens = request.estimateTokens();
  const reservation = await reserveDailyTokens(store, { keyId: client.id, tokens, dailyTokens, now: at }).catch(async (error: unknown) => {
    await releaseLease(store, lease.key, lease.member).catch(() => undefined);
    throw error;
  });
  if (!reservation) {
    await releaseLease(store, lease.key, lease.member).catch(() => undefined);
    throw new GatewayError(
      `This API key's daily quota of ${dailyTokens} tokens is used up for today (UTC), or too small for this request (about ${Math.round(tokens)} tokens with max_tokens). It comes back at midnight UTC.`,
      { status: 429, type: 'rate_limit_error', code: 'insufficient_quota', retryAfterSeconds: secondsToNextUtcDay(at), retryable: false },
    );
  }
  return { ...lease, reservation };
}

/** A request's concurrency slot: the lease member in the client key's set; and its token reservation, if any. */
export interface ClientLease {
  key: string;
  member: string;
  reservation?: TokenReservation;
}
