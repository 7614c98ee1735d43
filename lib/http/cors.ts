/**
 * CORS on every response — JSON, SSE and errors — for browser-direct clients (NextChat's
 * custom endpoint, LobeChat client mode, openai-node in the browser): docs/client-compat.md
 * §18. Requested headers are reflected (openai-node adds X-Stainless-*, Cherry X-Title…).
 */
const DEFAULT_ALLOWED_HEADERS =
  'authorization, content-type, accept, x-api-key, api-key, x-title, http-referer, x-stainless-arch, x-stainless-lang, x-stainless-os, x-stainless-package-version, x-stainless-retry-count, x-stainless-runtime, x-stainless-runtime-version, x-stainless-timeout';

export function corsHeaders(request: Request): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers': request.headers.get('access-control-request-headers') || DEFAULT_ALLOWED_HEADERS,
    'access-control-expose-headers': 'x-request-id, retry-after, x-should-retry',
    'access-control-max-age': '86400',
  };
}

/** The answer to an `OPTIONS` preflight. */
export function preflightResponse(request: Request): Response {
  return new Response(null, { status: 204, headers: corsHeaders(request) });
}
