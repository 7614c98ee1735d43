/**
 * Headers of every chat completion stream (docs/client-compat §1, §17): the event-stream
 * content type that clients use to tell stream from JSON, no caching or transformation by
 * proxies, and no proxy buffering. Never `Content-Length` or `Content-Encoding`.
 */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
});

/** Headers that break SSE clients when present (stale compression, fixed length). */
const FORBIDDEN_SSE_HEADERS = ['content-length', 'content-encoding'];

/**
 * A 200 streaming `Response` whose body is `stream` encoded as UTF-8. `init.headers` (e.g. CORS)
 * are added after {@link SSE_HEADERS}; `Content-Length` and `Content-Encoding` are always removed.
 */
export function sseResponse(stream: ReadableStream<string>, init?: { headers?: HeadersInit }): Response {
  const headers = new Headers(SSE_HEADERS);
  new Headers(init?.headers).forEach((value, name) => headers.set(name, value));
  for (const name of FORBIDDEN_SSE_HEADERS) headers.delete(name);
  return new Response(stream.pipeThrough(new TextEncoderStream()), { status: 200, headers });
}
