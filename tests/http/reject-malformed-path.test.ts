import { describe, expect, it } from 'vitest';
import { isDecodablePath, rejectMalformedPath } from '@/lib/http/reject-malformed-path';

/** The check proxy.ts runs; tests/e2e/malformed-paths.test.ts proves it under `next start`. */
describe('rejectMalformedPath', () => {
  it.each([
    ['/v1/%c3%28', 'a lead byte followed by a non-continuation byte'],
    ['/v1/%em', 'a non-hex escape'],
    ['/%zz', 'a non-hex escape at the root'],
    ['/v1/models/%e0%a4%a', 'a truncated three-byte sequence'],
    ['/v1/chat/completions%', 'a trailing %'],
    ['/v1/%80', 'a lone continuation byte'],
    ['/v1/%c0%af', 'an overlong encoding'],
    ['/v1/%ed%a0%80', 'an encoded UTF-16 surrogate'],
    ['/v1/%u00e9', "IIS's %u escape"],
    ['/v1/models/gpt-4.1%2', 'one hex digit'],
  ])('%s (%s) → 400 invalid_url JSON with CORS and a request id', async (path) => {
    expect(isDecodablePath(path)).toBe(false);
    const response = rejectMalformedPath(new Request(`http://gateway.test${path}`, { method: 'POST' }));
    expect(response).toBeDefined();
    expect(response?.status).toBe(400);
    expect(response?.headers.get('content-type')).toBe('application/json');
    expect(response?.headers.get('access-control-allow-origin')).toBe('*');
    expect(response?.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
    expect(response?.headers.get('x-should-retry')).toBe('false');
    const body = await response?.json();
    expect(body).toEqual({
      error: { message: expect.stringContaining(`Invalid URL (POST ${path})`), type: 'invalid_request_error', param: null, code: 'invalid_url' },
    });
  });

  it.each([
    '/v1/models',
    '/v1/chat/completions',
    '/v1/models/gpt%2D4.1',
    '/v1/x%20y',
    '/v1/%25zz',
    '/v1/%E4%BD%A0%E5%A5%BD',
    '/v1/%2F',
    '/v1/%00',
  ])('%s is valid percent-encoding → passed through untouched', (path) => {
    expect(isDecodablePath(path)).toBe(true);
    expect(rejectMalformedPath(new Request(`http://gateway.test${path}`))).toBeUndefined();
  });

  it('ignores the query string, which the routes never decode', () => {
    expect(rejectMalformedPath(new Request('http://gateway.test/v1/models?x=%zz'))).toBeUndefined();
  });

  it('quotes at most 200 characters of a long path', async () => {
    const path = `/v1/${'a'.repeat(5_000)}%zz`;
    const body = await rejectMalformedPath(new Request(`http://gateway.test${path}`))?.json();
    expect(body.error.message).toContain(`${path.slice(0, 200)}…)`);
    expect(body.error.message).not.toContain('a'.repeat(200));
  });
});
