import { GatewayError } from '@/lib/errors/gateway-error';
import { errorHeaders, toOpenAIError } from '@/lib/api/openai/error-response';
import { sseNamedEvent } from './sse-named-event';

/** Anthropic's error JSON: `{"type":"error","error":{"type","message"}}`. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: string; message: string };
}

/** Anthropic's status for "the account's schedule is full": its SDK retries it with back-off. */
const OVERLOADED_STATUS = 529;

/**
 * The status and Anthropic error `type` a failure gets. The status is the GatewayError's,
 * except the pacer's 429 `upstream_busy` (every slot of the account taken, not this key's
 * limit), which is Anthropic's 529 `overloaded_error`. Anything that is not a GatewayError is
 * a 500 `api_error` with no detail (the route wrapper logs it).
 */
export function toAnthropicError(error: unknown): { gatewayError: GatewayError; status: number; body: AnthropicErrorBody } {
  const gatewayError = toOpenAIError(error);
  const overloaded = gatewayError.code === 'upstream_busy';
  const status = overloaded ? OVERLOADED_STATUS : gatewayError.status;
  return { gatewayError, status, body: { type: 'error', error: { type: overloaded ? 'overloaded_error' : errorTypeFor(status), message: gatewayError.message } } };
}

function errorTypeFor(status: number): string {
  switch (status) {
    case 400:
    case 405:
    case 415:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case OVERLOADED_STATUS:
      return 'overloaded_error';
    default:
      return status < 500 ? 'invalid_request_error' : 'api_error';
  }
}

/**
 * The JSON error `Response` of every Anthropic route (the route wrapper's `renderError`), with
 * the same retry hints as OpenAI's (`Retry-After`, `x-should-retry`: the Anthropic SDK
 * honours both).
 */
export function anthropicErrorResponse(error: unknown): Response {
  const { gatewayError, status, body } = toAnthropicError(error);
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...errorHeaders(gatewayError) },
  });
}

/** The mid-stream form: `event: error` with the same body; the stream ends after it. */
export function anthropicErrorEvent(error: unknown): string {
  return sseNamedEvent('error', toAnthropicError(error).body);
}
