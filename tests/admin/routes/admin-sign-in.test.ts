import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, GATEWAY_ORIGIN, startAdminKit, type AdminKit } from '../admin-test-kit';

let kit: AdminKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

const signInRequest = (password: string, options: { url?: string; headers?: Record<string, string> } = {}) => {
  const url = options.url ?? `${GATEWAY_ORIGIN}/admin/sign-in`;
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin, 'sec-fetch-site': 'same-origin', ...options.headers },
    body: new URLSearchParams({ password }).toString(),
  });
};

describe('POST /admin/sign-in', () => {
  it('a wrong password is refused: no cookie, back to the page saying so, never cached', async () => {
    kit = await startAdminKit();
    const response = await kit.routes.signIn(signInRequest('not-the-password'));
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(response.headers.get('location')).toBe('/admin?signin=failed');
    expect(response.headers.get('cache-control')).toContain('no-store');
  });

  it('the right password: a session cookie (HttpOnly, SameSite=Strict, Max-Age 12 h; no Secure on http://127.0.0.1) and back to the page', async () => {
    kit = await startAdminKit();
    const response = await kit.routes.signIn(signInRequest(ADMIN_PASSWORD));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin');
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^xipu-admin=[\w.-]+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
  });

  it('over https the cookie is Secure and __Host- prefixed (Vercel: forwarded proto)', async () => {
    kit = await startAdminKit();
    const direct = await kit.routes.signIn(signInRequest(ADMIN_PASSWORD, { url: 'https://gw.example/admin/sign-in' }));
    expect(direct.headers.get('set-cookie')).toMatch(/^__Host-xipu-admin=[\w.-]+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure$/);
    const proxied = await kit.routes.signIn(
      signInRequest(ADMIN_PASSWORD, {
        url: 'http://10.0.0.1:3000/admin/sign-in',
        headers: { origin: 'https://gw.vercel.app', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'gw.vercel.app', 'x-forwarded-for': '203.0.113.9' },
      }),
    );
    expect(proxied.headers.get('set-cookie')).toContain('; Secure');
  });

  it('plain http to a host other than localhost still gets a Secure cookie (http is for localhost only)', async () => {
    kit = await startAdminKit();
    const response = await kit.routes.signIn(signInRequest(ADMIN_PASSWORD, { url: 'http://192.168.1.20:3000/admin/sign-in' }));
    expect(response.headers.get('set-cookie')).toContain('; Secure');
  });

  it('the cookie it sets opens the admin routes', async () => {
    kit = await startAdminKit();
    const cookie = await kit.signIn();
    expect((await kit.get('status')).status).toBe(401);
    expect((await kit.get('status', cookie)).status).toBe(200);
  });

  it('more than 5 attempts a minute from one IP: 429 with Retry-After, even with the right password; other IPs unaffected', async () => {
    kit = await startAdminKit();
    const from = (ip: string, password: string) => kit!.routes.signIn(signInRequest(password, { headers: { 'x-forwarded-for': `${ip}, 10.0.0.1` } }));
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await from('198.51.100.7', 'wrong')).status).toBe(303);
    const limited = await from('198.51.100.7', ADMIN_PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('set-cookie')).toBeNull();
    expect(limited.headers.get('content-type')).toContain('text/html');
    expect(await limited.text()).toContain('Too many sign-in attempts');
    expect((await from('2001:db8::1', ADMIN_PASSWORD)).headers.get('set-cookie')).toBeTruthy();
  });

  it.each([
    ['Origin of another site', { origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('a cross-site sign-in is refused (login CSRF): %s', async (_, headers) => {
    kit = await startAdminKit();
    const response = await kit.routes.signIn(signInRequest(ADMIN_PASSWORD, { headers }));
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('hosted without ADMIN_PASSWORD: sign-in says the page is off', async () => {
    kit = await startAdminKit({ withoutPassword: true, environment: { VERCEL: '1', API_KEYS: 'sk-test-12345678' } });
    const response = await kit.routes.signIn(signInRequest('anything'));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('ADMIN_PASSWORD');
  });
});
