import { describe, expect, it } from 'vitest';
import { checkSameOrigin } from '@/lib/admin/access/check-same-origin';
import { readRequestOrigin } from '@/lib/admin/access/read-request-origin';

const post = (url: string, headers: Record<string, string>) => new Request(url, { method: 'POST', headers, body: '' });

describe('checkSameOrigin (every admin POST)', () => {
  it.each([
    ['same origin (Origin + Sec-Fetch-Site)', 'http://127.0.0.1:3000/admin/actions/sweep', { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }],
    ['same origin, Origin only (an older browser)', 'http://127.0.0.1:3000/admin/actions/sweep', { origin: 'http://127.0.0.1:3000' }],
    ['same origin, Sec-Fetch-Site only', 'http://127.0.0.1:3000/admin/actions/sweep', { 'sec-fetch-site': 'same-origin' }],
    ['behind Vercel: forwarded host and proto', 'http://internal:3000/admin/actions/sweep', { origin: 'https://gw.vercel.app', 'x-forwarded-host': 'gw.vercel.app', 'x-forwarded-proto': 'https' }],
    ['Host header names the origin', 'http://0.0.0.0:3000/admin/actions/sweep', { origin: 'http://localhost:3000', host: 'localhost:3000' }],
    ['a TLS proxy that does not forward the scheme', 'http://gw.example/admin/actions/sweep', { origin: 'https://gw.example', host: 'gw.example' }],
  ])('allows %s', (_, url, headers) => {
    expect(checkSameOrigin(post(url, headers))).toEqual({ ok: true });
  });

  it.each([
    ['Origin of another site', { origin: 'https://evil.example' }],
    ['Origin of another port on the same host', { origin: 'http://127.0.0.1:4000' }],
    ['Sec-Fetch-Site: cross-site (even with a matching Origin)', { origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
    ['Sec-Fetch-Site: none', { 'sec-fetch-site': 'none' }],
    ['Origin: null (sandboxed frame, cross-origin redirect)', { origin: 'null' }],
    ['neither header', {}],
    ['a non-http Origin', { origin: 'file://' }],
  ])('refuses %s', (_, headers) => {
    const check = checkSameOrigin(post('http://127.0.0.1:3000/admin/actions/sweep', headers));
    expect(check.ok).toBe(false);
  });
});

describe('readRequestOrigin', () => {
  it.each([
    ['http://127.0.0.1:3000/admin', {}, { origin: 'http://127.0.0.1:3000', https: false, loopback: true }],
    ['http://localhost:3000/admin', {}, { origin: 'http://localhost:3000', https: false, loopback: true }],
    ['http://[::1]:3000/admin', {}, { origin: 'http://[::1]:3000', https: false, loopback: true }],
    ['http://internal/admin', { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gw.vercel.app' }, { origin: 'https://gw.vercel.app', https: true, loopback: false }],
    ['http://192.168.1.5:3000/admin', {}, { origin: 'http://192.168.1.5:3000', https: false, loopback: false }],
  ])('%s %j', (url, headers, expected) => {
    expect(readRequestOrigin(new Headers(headers), url)).toEqual(expected);
  });
});
