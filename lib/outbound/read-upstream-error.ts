import { GatewayError, type GatewayErrorType } from '@/lib/errors/gateway-error';

/** Longest upstream message passed on: enough to act on, not a page of HTML. */
const MAX_MESSAGE_LENGTH = 500;

/**
 * An upstream's non-2xx answer as a GatewayError with the same status, in OpenAI's error
 * shape: the upstream's own `error.message` / `type` / `code` when its body has them (OpenAI,
 * vLLM, Ollama and LiteLLM all do), else its status text. The message is cut short and never
 * includes the request (which held the key in a header only). 429 keeps `Retry-After`.
 */
export async function readUpstreamError(response: Response, upstreamName: string): Promise<GatewayError> {
  const text = await response.text().catch(() => '');
  let message = '';
  let type: string | undefined;
  let code: string | undefined;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown; type?: unknown; code?: unknown } | string; message?: unknown };
    const error = parsed.error;
    if (typeof error === 'string') message = error;
    else if (error && typeof error === 'object') {
      if (typeof error.message === 'string') message = error.message;
      if (typeof error.type === 'string') type = error.type;
      if (typeof error.code === 'string') code = error.code;
    } else if (typeof parsed.message === 'string') message = parsed.message;
  } catch {
    // Not JSON: the status says enough.
  }
  const status = response.status >= 400 && response.status <= 599 ? response.status : 502;
  const said = message.trim().slice(0, MAX_MESSAGE_LENGTH) || response.statusText || 'no message';
  const retryAfter = Number(response.headers.get('retry-after'));
  return new GatewayError(`${upstreamName} answered ${response.status}: ${said}`, {
    status,
    type: errorTypeOf(status, type),
    code: code ?? (status === 429 ? 'upstream_rate_limited' : status >= 500 ? 'upstream_error' : null),
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : undefined,
  });
}

const KNOWN_TYPES: readonly GatewayErrorType[] = ['invalid_request_error', 'authentication_error', 'permission_error', 'not_found_error', 'rate_limit_error', 'server_error'];

function errorTypeOf(status: number, upstreamType: string | undefined): GatewayErrorType {
  if (upstreamType && (KNOWN_TYPES as readonly string[]).includes(upstreamType)) return upstreamType as GatewayErrorType;
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'upstream_error';
  return 'invalid_request_error';
}
