import { invalidRequest } from '@/lib/errors/gateway-error';
import { logEvent } from '@/lib/log/log-event';
import { errorResponse } from '@/lib/api/openai/error-response';
import { corsHeaders } from './cors';

/** Longest part of a rejected path quoted in the message and the log line (paths are client input). */
const QUOTED_PATH_LIMIT = 200;

/**
 * The answer to a request whose path has malformed percent-encoding (`/v1/%em`,
 * `/v1/%c3%28`, a trailing `%`): a 400 OpenAI error `invalid_url` with CORS and an
 * `x-request-id`, logged like every request. Returns `undefined` for every other request,
 * which must then pass untouched.
 *
 * Why: Next.js decodes the path of a dynamic route (our `/v1/[...path]` catch-all,
 * `/models/[...id]`) before any route code runs and, on failure, answers a bare 500
 * `text/plain` under `next start` (404 HTML outside those routes). proxy.ts calls this first.
 * Only the path is checked: the query string is left to the routes, which ignore it.
 */
export function rejectMalformedPath(request: Request): Response | undefined {
  const pathname = new URL(request.url).pathname;
  if (isDecodablePath(pathname)) return undefined;

  const requestId = `req_${randomHex(12)}`;
  const quoted = pathname.length > QUOTED_PATH_LIMIT ? `${pathname.slice(0, QUOTED_PATH_LIMIT)}…` : pathname;
  const response = errorResponse(
    invalidRequest(
      `Invalid URL (${request.method} ${quoted}): the path is not valid percent-encoding (each '%' must start a '%XX' escape of valid UTF-8). This gateway serves GET /v1/models, GET /v1/models/{model}, POST /v1/chat/completions, POST /v1/responses, POST /v1/messages, POST /v1/completions and POST /v1/embeddings.`,
      null,
      'invalid_url',
    ),
    { headers: { ...corsHeaders(request), 'x-request-id': requestId } },
  );
  logEvent('info', 'request', { requestId, method: request.method, path: quoted, status: response.status, client: '-', error: 'invalid_url' });
  return response;
}

/** Whether `decodeURIComponent` accepts the path — the same test Next.js applies per segment. */
export function isDecodablePath(pathname: string): boolean {
  if (!pathname.includes('%')) return true;
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

function randomHex(byteCount: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(byteCount)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
