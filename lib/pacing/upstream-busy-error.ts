import { GatewayError } from '@/lib/errors/gateway-error';

/**
 * The 429 a client gets when the account's shared call queue is longer than the pacer may
 * wait: `Retry-After` is the wait it would have had (at least 1 s). Retrying can succeed.
 */
export function upstreamBusyError(options: { waitMs: number; maxWaitMs: number }): GatewayError {
  const retryAfterSeconds = Math.max(1, Math.ceil(options.waitMs / 1000));
  return new GatewayError(
    `The upstream account's call queue is full: the next free slot is about ${retryAfterSeconds} s away, ` +
      `longer than the ${Math.round(options.maxWaitMs / 1000)} s this gateway waits. Retry later.`,
    { status: 429, type: 'rate_limit_error', code: 'upstream_busy', retryAfterSeconds, retryable: true },
  );
}
