import { GatewayError } from '@/lib/errors/gateway-error';

/** Retry-After of a request that could not start in time: the queue it waited in moves on meanwhile. */
const START_TIMEOUT_RETRY_AFTER_SECONDS = 30;

/**
 * Runs `start` (everything before the answer's first byte: credentials, a login wait, turns
 * in the account's schedule, retries) with a signal that aborts when the client goes away or
 * `deadlineMs` passes, whichever comes first. Once `start` resolves the deadline is over:
 * the answer itself is bounded by the upstream timeouts and the route's time limit instead.
 *
 * A login wait plus schedule waits, doubled by a retry, could otherwise outlast the route's
 * `maxDuration`; the deadline leaves the rest of it for the cleanup (deleting the session in
 * `after()`), which never depends on this signal.
 *
 * @throws GatewayError 503 `upstream_start_timeout` (with Retry-After) when the deadline
 *   passed first; the client's own abort and every other failure pass through unchanged.
 */
export async function startBeforeDeadline<T>(
  options: { deadlineMs: number; signal: AbortSignal },
  start: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(startTimeout(options.deadlineMs)), options.deadlineMs);
  try {
    return await start(AbortSignal.any([options.signal, deadline.signal]));
  } catch (error) {
    if (deadline.signal.aborted && !options.signal.aborted) throw deadline.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

function startTimeout(deadlineMs: number): GatewayError {
  return new GatewayError(
    `The answer could not start within ${Math.round(deadlineMs / 1000)} s (waiting for the upstream login or for the account's turn to call the upstream); nothing was answered. Try again in a moment.`,
    {
      status: 503,
      type: 'upstream_error',
      code: 'upstream_start_timeout',
      retryAfterSeconds: START_TIMEOUT_RETRY_AFTER_SECONDS,
      retryable: true,
    },
  );
}
