import type { RequestRecord } from './request-record';

/**
 * What a request's outcome says about the service:
 * - `succeeded`: an answer was delivered. A content-filter answer (`finish_reason:
 *   "content_filter"`: XIPU's empty answer, canned refusal or `Request Err!`) counts: the
 *   service worked, the prompt was refused.
 * - `failed`: the gateway or XIPU could not serve it — any 5xx; a 429 from the upstream side
 *   (`upstream_rate_limited`, `upstream_busy`: the account is saturated); a streamed answer
 *   that broke off after its 200.
 * - `limited`: the client's own limits refused it (429 `rate_limit_exceeded`,
 *   `too_many_concurrent_requests`): working as configured.
 * - `rejected`: the client's request was at fault or it went away (other 4xx: 400, 404,
 *   413, 499): says nothing about the service.
 */
export type RequestOutcome = 'succeeded' | 'failed' | 'limited' | 'rejected';

/** The client went away; not the service's failure (nginx's 499). */
const CLIENT_CLOSED_CODE = 'client_closed_request';

export function classifyRequestOutcome(record: Pick<RequestRecord, 'status' | 'error'>): RequestOutcome {
  const { status, error } = record;
  if (status >= 500) return 'failed';
  if (status === 429) return error?.startsWith('upstream_') ? 'failed' : 'limited';
  if (status >= 400) return 'rejected';
  if (error === undefined) return 'succeeded';
  return error === CLIENT_CLOSED_CODE ? 'rejected' : 'failed';
}

/**
 * Whether the hourly `errors` counter counts it: failures and every 429 (a refused chat is
 * worth seeing in a traffic graph even when the client's own limit refused it). Client
 * mistakes (400, 404, 413) and disconnects (499) are not errors of the gateway.
 */
export function countsAsError(record: Pick<RequestRecord, 'status' | 'error'>): boolean {
  const outcome = classifyRequestOutcome(record);
  return outcome === 'failed' || outcome === 'limited';
}
