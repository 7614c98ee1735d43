import { GatewayError, isGatewayError } from '@/lib/errors/gateway-error';

/**
 * What each XIPU failure means for the client (docs/xipu-protocol.md "Common errors").
 * The messages speak to the person who runs the gateway, since they are the one who can fix it.
 */

/** 429 `Request too fast…` (or its misleading context-length text): wait for a slot, retry. */
export function upstreamRateLimited(detail: string): GatewayError {
  return new GatewayError(
    `XIPU is rate limiting this account (${detail}). The gateway already waited and retried; try again in a few seconds.`,
    { status: 429, type: 'rate_limit_error', code: 'upstream_rate_limited', retryAfterSeconds: 2, retryable: true },
  );
}

/** 403, 401, or 500 "token error": the jm-token is expired or invalid. */
export function loginExpired(detail: string): GatewayError {
  return new GatewayError(
    `The XIPU login has expired or is invalid (${detail}). Renew the credentials: run a new login, or set fresh JM_TOKEN and SDP_SESSION values.`,
    { status: 503, type: 'upstream_error', code: 'upstream_login_expired', retryable: false },
  );
}

/** No credentials at all. */
export function credentialsMissing(): GatewayError {
  return new GatewayError(
    'No XIPU credentials are configured. Set JM_TOKEN and SDP_SESSION (or XJTLU_USERNAME and XJTLU_PASSWORD for automatic login).',
    { status: 503, type: 'upstream_error', code: 'upstream_credentials_missing', retryable: false },
  );
}

/** `You have created 50 sessions…` after the sweep and one retry. */
export function sessionCapReached(message: string): GatewayError {
  return new GatewayError(
    `XIPU's limit of sessions for this account is reached ("${message}"). The gateway deleted every session of its own it could; delete some chats in the XIPU web history and try again.`,
    { status: 503, type: 'upstream_error', code: 'upstream_session_cap', retryAfterSeconds: 30, retryable: false },
  );
}

/** saveSession refused the request as asked (`code != 0`). */
export function upstreamRefused(message: string, model: string, modelKnown: boolean): GatewayError {
  if (!modelKnown) {
    return new GatewayError(`The model '${model}' does not exist or is not offered by XIPU: ${message}`, {
      status: 404,
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
      retryable: false,
    });
  }
  return new GatewayError(`XIPU refused the request: ${message}`, {
    status: 400,
    type: 'invalid_request_error',
    code: 'upstream_refused',
    retryable: false,
  });
}

/** Any other unexpected answer (5xx, malformed reply). */
export function upstreamFailed(detail: string, status = 502): GatewayError {
  return new GatewayError(`XIPU failed: ${detail}`, { status, type: 'upstream_error', code: 'upstream_error', retryable: true });
}

/** Errors of completions answered 200 with `code != 0`: XIPU would not answer in that session. */
const completionsRefusals = new WeakSet<GatewayError>();

/** completions answered a refusal (JSON, `code != 0`) instead of a stream; `upstreamMessage` is its `msg`. */
export function completionsRefused(body: string): GatewayError & { upstreamMessage: string } {
  const message = describeBody(body);
  const error = Object.assign(upstreamFailed(`completions refused: ${message}`), { upstreamMessage: message });
  completionsRefusals.add(error);
  return error;
}

/** Whether completions refused its session (not a 5xx, a timeout or a token): another session may do. */
export function isCompletionsRefusal(error: unknown): error is GatewayError & { upstreamMessage: string } {
  return error instanceof GatewayError && completionsRefusals.has(error);
}

const SESSION_CAP_TEXT = /created \d+ sessions/i;
/** The 500 body the ancestor saw for an invalid token (docs/xipu-protocol.md §5). */
const TOKEN_ERROR_TEXT = /\btoken\s*(error|invalid|expired)\b|\binvalid\s*token\b/i;

export function isSessionCapMessage(message: string): boolean {
  return SESSION_CAP_TEXT.test(message);
}

/**
 * Maps a non-200 HTTP answer. `body` is the upstream's text (at most a few hundred
 * characters are kept; it never contains our credentials).
 */
export function mapXipuHttpError(status: number, body: string): GatewayError {
  const detail = `HTTP ${status}${body ? `: ${describeBody(body)}` : ''}`;
  if (status === 429) return upstreamRateLimited(describeBody(body) || 'HTTP 429');
  if (status === 401 || status === 403) return loginExpired(detail);
  // Only the known phrasing: a body that merely mentions tokens ("max tokens") is not a login problem.
  if (status === 500 && TOKEN_ERROR_TEXT.test(body)) return loginExpired(detail);
  return upstreamFailed(detail);
}

/** The `msg` of a JSON body, else the trimmed text. */
export function describeBody(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'msg' in parsed && typeof parsed.msg === 'string') return parsed.msg.slice(0, 300);
  } catch {
    // not JSON: fall through to the text
  }
  return body.trim().slice(0, 300);
}

/** XIPU rejected the token (403 / 500 "token error": loginExpired above). */
export function isRejectedToken(error: unknown): boolean {
  return isGatewayError(error) && error.code === 'upstream_login_expired';
}
