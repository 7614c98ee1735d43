import { isRequestFault } from '@/lib/providers/fail-over';

/**
 * How a balanced call ended, for its endpoint's health: `success` resets the failure count,
 * `failure` adds one, `neutral` (the client left, or the request itself was at fault) leaves it.
 */
export type CallOutcome = 'success' | 'failure' | 'neutral';

/**
 * The outcome of an error: the same split fail-over.ts makes. A request fault (400, 413, 415,
 * 422) would fail on any endpoint and says nothing of this one; a call the client aborted
 * neither. Everything else — 5xx, 429, the endpoint's own 401/403/404, a refused connection,
 * a timeout — is the endpoint's failure.
 */
export function outcomeOfError(error: unknown, signal: AbortSignal): CallOutcome {
  if (signal.aborted || isRequestFault(error)) return 'neutral';
  return 'failure';
}
