import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

/**
 * Paths with malformed percent-encoding, under `next start`: Next.js decodes a dynamic
 * route's path before any route code runs and answered them with a bare 500 `text/plain`
 * (55 of 5,000 fuzzed requests). proxy.ts answers them with a 400 OpenAI error. The last
 * block pins what the framework still answers before any project code runs (README,
 * Troubleshooting).
 */
let gateway: GatewayProcess;
beforeAll(async () => {
  gateway = await startGatewayProcess({});
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
});

/** Pieces that make a path undecodable: bad hex, truncated, overlong or surrogate UTF-8, a trailing '%'. */
const MALFORMED_PIECES = ['%', '%z', '%zz', '%em', '%g0', '%2', '%c3', '%c3%28', '%e0%a4', '%e0%a4%a', '%80', '%bf', '%ff', '%c0%af', '%ed%a0%80', '%f8%88%80%80%80', '%u00e9', '%%41'];
/** Pieces that are fine on their own, so malformed pieces also hide among valid escapes. */
const VALID_PIECES = ['a', 'gpt-4.1', 'x_y', '~', '%20', '%2F', '%25', '%41', '%E4%BD%A0', '%c3%a9', 'models', 'chat'];
const PREFIXES = ['', '/v1', '/v1/models', '/v1/chat/completions', '/v1/responses', '/models', '/chat/completions', '/api', '/api/health', '/admin', '/_next/static'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
const FUZZ_SEED = 0x5eed11;
const FUZZ_COUNT = 300;

/** mulberry32: a small seeded generator, so every run sends the same requests. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function isDecodable(path: string): boolean {
  try {
    decodeURIComponent(path);
    return true;
  } catch {
    return false;
  }
}

/** `count` malformed requests: a known prefix, then 1–3 segments holding at least one malformed piece. */
function fuzzedRequests(count: number): Array<{ method: string; path: string }> {
  const random = seededRandom(FUZZ_SEED);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const requests: Array<{ method: string; path: string }> = [];
  while (requests.length < count) {
    const segments = Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
      Array.from({ length: 1 + Math.floor(random() * 3) }, () => (random() < 0.4 ? pick(MALFORMED_PIECES) : pick(VALID_PIECES))).join(''),
    );
    const malformedAt = Math.floor(random() * segments.length);
    segments[malformedAt] = `${segments[malformedAt] ?? ''}${pick(MALFORMED_PIECES)}`;
    const path = `${pick(PREFIXES)}/${segments.join('/')}`;
    if (isDecodable(path)) throw new Error(`generator bug: ${path} is decodable`);
    requests.push({ method: pick(METHODS), path });
  }
  return requests;
}

/** Runs `task` over `items`, `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

/** What is wrong with the answer to a malformed path, or null when it is our 400 error JSON. */
async function problemWith(method: string, path: string): Promise<string | null> {
  const response = await fetch(`${gateway.url}${path}`, { method, redirect: 'manual' });
  const text = await response.text();
  const where = `${method} ${path} → ${response.status} ${response.headers.get('content-type') ?? '-'}`;
  if (response.status !== 400) return `${where}: ${text.slice(0, 80)}`;
  if (!/^application\/json/.test(response.headers.get('content-type') ?? '')) return `${where}: not JSON`;
  if (response.headers.get('access-control-allow-origin') !== '*') return `${where}: no CORS`;
  if (method === 'HEAD') return null;
  const body = JSON.parse(text) as { error?: Record<string, unknown> };
  const { message, ...rest } = body.error ?? {};
  if (typeof message !== 'string' || !message.startsWith('Invalid URL')) return `${where}: message ${JSON.stringify(message)}`;
  if (JSON.stringify(rest) !== JSON.stringify({ type: 'invalid_request_error', param: null, code: 'invalid_url' })) return `${where}: ${text}`;
  return null;
}

/** Sends `requestLine` over a raw socket (fetch would re-encode it) and returns the whole answer. */
function rawRequest(requestLine: string): Promise<string> {
  const { hostname, port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.write(Buffer.from(`${requestLine}\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`, 'latin1'));
  });
}

describe('malformed percent-encoding in the path (next start)', () => {
  it.each([
    ['GET', '/v1/%c3%28'],
    ['POST', '/v1/%em'],
    ['GET', '/%zz'],
    ['GET', '/v1/models/%e0%a4%a'],
    ['POST', '/v1/chat/completions%'],
    ['GET', '/models/%zz'],
    ['OPTIONS', '/v1/%zz'],
  ])('%s %s → 400 invalid_url error JSON', async (method, path) => {
    expect(await problemWith(method, path)).toBeNull();
  });

  it(`answers ${FUZZ_COUNT} seeded fuzzed paths with 400 error JSON, never a 500`, async () => {
    const problems: string[] = [];
    await eachLimited(fuzzedRequests(FUZZ_COUNT), 6, async ({ method, path }) => {
      const problem = await problemWith(method, path);
      if (problem) problems.push(problem);
    });
    expect(problems).toEqual([]);
  }, 120_000);

  it('logs the rejection like any request', () => {
    expect(gateway.output()).toMatch(/"event":"request".*"status":400.*"error":"invalid_url"/);
  });

  it.each([
    ['/v1/models/gpt%2D4.1', 200],
    ['/v1/models?x=%zz', 200],
    ['/v1/x%20y', 404],
  ])('passes valid paths through untouched: %s → %i from its route', async (path, status) => {
    const response = await fetch(`${gateway.url}${path}`);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    await response.body?.cancel();
  });
});

describe('what the framework answers before any project code runs (pinned)', () => {
  it('a trailing slash: Next redirects (308) to the path without it, which then gets the 400', async () => {
    const response = await fetch(`${gateway.url}/v1/%zz/`, { method: 'GET', redirect: 'manual' });
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('/v1/%zz');
    await response.body?.cancel();
    expect(await problemWith('GET', '/v1/%zz')).toBeNull();
  });

  it.each([
    ['a space', 'GET /v1/a b HTTP/1.1'],
    ['a control character', 'GET /v1/\x01 HTTP/1.1'],
    ['raw non-ASCII bytes', 'GET /v1/\xff\xfe HTTP/1.1'],
    ['a target that does not start with /', 'GET %zz HTTP/1.1'],
  ])("%s in the request target: Node's HTTP parser answers 400 with no body", async (_label, requestLine) => {
    const answer = await rawRequest(requestLine);
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(answer).not.toMatch(/content-type/i);
  });

  it('the asterisk-form target (OPTIONS *): Next fails to parse it before the proxy and answers 500 text/plain', async () => {
    const answer = await rawRequest('OPTIONS * HTTP/1.1');
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 500 Internal Server Error');
    expect(answer).toMatch(/content-type: text\/plain/i);
  });
});
