import { GatewayError, isGatewayError } from '@/lib/errors/gateway-error';
import { sseDataEvent } from '@/lib/api/openai/sse-data-event';

/** OpenAI's error JSON: `{"error":{"message","type","param","code"}}`. */
export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
  };
}

/**
 * Maps any thrown value to the GatewayError the client sees. A GatewayError passes unchanged;
 * anything else becomes a 500 `server_error` with the generic message "Internal error", so no
 * internal detail or secret reaches the client. The caller logs the original value.
 */
export function toOpenAIError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  return new GatewayError('Internal error', { status: 500, type: 'server_error', code: 'internal_error' });
}

/** The OpenAI error JSON body for `error`. */
export function errorBody(error: GatewayError): OpenAIErrorBody {
  return {
    error: { message: error.message, type: error.type, param: error.param, code: error.code },
  };
}

/**
 * Retry hints for `error`: `Retry-After` (whole seconds, rounded up) when the error carries
 * one; `x-should-retry: false` when a retry cannot help (openai-node honours it, so clients do
 * not burn another upstream session); `x-should-retry: true` for retryable 429/503.
 */
export function errorHeaders(error: GatewayError): Record<string, string> {
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined && Number.isFinite(error.retryAfterSeconds)) {
    headers['Retry-After'] = String(Math.max(0, Math.ceil(error.retryAfterSeconds)));
  }
  if (!error.retryable) {
    headers['x-should-retry'] = 'false';
  } else if (error.status === 429 || error.status === 503) {
    headers['x-should-retry'] = 'true';
  }
  return headers;
}

/**
 * A JSON error `Response` with the error's real HTTP status, `content-type: application/json`
 * and the retry hints of {@link errorHeaders}. `init.headers` (e.g. CORS) are added last.
 */
export function errorResponse(error: unknown, init?: { headers?: HeadersInit }): Response {
  const gatewayError = toOpenAIError(error);
  const headers = new Headers({ 'content-type': 'application/json', ...errorHeaders(gatewayError) });
  new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
  return new Response(JSON.stringify(errorBody(gatewayError)), { status: gatewayError.status, headers });
}

/**
 * The mid-stream form of an error: one SSE event `data: {"error":{…}}\n\n` with no `choices`
 * (docs/client-compat §9). The stream must end after it, without `[DONE]`.
 */
export function sseErrorEvent(error: unknown): string {
  return sseDataEvent(errorBody(toOpenAIError(error)));
}
