import type { GatewayConfig } from '@/lib/config/env';
import { GatewayError } from '@/lib/errors/gateway-error';
import { storeKeys, storeTtls } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import type { ClientIdentity } from './authenticate-client';
import { acquireLease } from './concurrency-lease';
import { limitRate } from './limit-rate';

/**
 * Per-client-key rate limit and cap on concurrent requests, shared by every instance, so
 * one client's background calls and SDK retries cannot starve the others
 * (docs/client-compat.md §25).
 *
 * @returns the concurrency slot taken: release it once the response closed (the request's
 *   metrics record does, in the same store command: lib/metrics/record-request.ts).
 * @throws GatewayError 429 with Retry-After when either limit is reached.
 */
export async function enforceClientLimits(
  store: Store,
  client: ClientIdentity,
  limits: GatewayConfig['limits'],
  requestId: string,
  now: () => number = Date.now,
): Promise<ClientLease> {
  const rate = await limitRate(store, { key: storeKeys.rateLimit(client.id), limit: limits.requestsPerMinute, windowMs: 60_000, now: now() });
  if (!rate.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil((rate.resetAt - now()) / 1000));
    throw new GatewayError(
      `Rate limit reached for this API key: ${limits.requestsPerMinute} requests per minute (RATE_LIMIT_RPM). Try again in ${retryAfterSeconds} s.`,
      { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', retryAfterSeconds },
    );
  }

  const concurrencyKey = storeKeys.concurrency(client.id);
  const acquired = await acquireLease(store, concurrencyKey, {
    member: requestId,
    limit: limits.maxConcurrentPerKey,
    now: now(),
    ttlMs: storeTtls.concurrencyLeaseMs,
  });
  if (!acquired) {
    throw new GatewayError(
      `Too many concurrent requests for this API key (MAX_CONCURRENT_PER_KEY=${limits.maxConcurrentPerKey}). Wait for one to finish.`,
      { status: 429, type: 'rate_limit_error', code: 'too_many_concurrent_requests', retryAfterSeconds: 2 },
    );
  }
  return { key: concurrencyKey, member: requestId };
}

/** A request's concurrency slot: the lease member in the client key's set. */
export interface ClientLease {
  key: string;
  member: string;
}
