import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ADMIN_COOKIE_NAME,
  ADMIN_SESSION_MAX_AGE_SECONDS,
  clearAdminSession,
  createAdminSession,
  deriveAdminKey,
  readAdminSessionCookie,
  verifyAdminSession,
} from '@/lib/admin/access/admin-session';
import { isAdminRequest, readAdminAccess } from '@/lib/admin/access/read-admin-access';
import { respellLastCharacter, rewriteJwsPayload } from '../admin-test-kit';

const PASSWORD = 'a-long-admin-password';
const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);

describe('admin session cookie', () => {
  it('a fresh cookie verifies for 12 hours, with HttpOnly, SameSite=Strict, Path=/, Max-Age and Secure on https', async () => {
    const session = await createAdminSession({ password: PASSWORD, now: NOW, secure: true });
    expect(session.name).toBe(ADMIN_COOKIE_NAME.https);
    expect(session.header).toMatch(/^__Host-xipu-admin=eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{43}; /);
    expect(session.header.split('; ').slice(1)).toEqual(['Path=/', `Max-Age=${ADMIN_SESSION_MAX_AGE_SECONDS}`, 'HttpOnly', 'SameSite=Strict', 'Secure']);
    expect(ADMIN_SESSION_MAX_AGE_SECONDS).toBe(43_200);
    expect(await verifyAdminSession(session.value, PASSWORD, NOW)).toBe(true);
    expect(await verifyAdminSession(session.value, PASSWORD, NOW + 12 * 3_600_000 - 1)).toBe(true);
  });

  it('over plain http (localhost only) the cookie has no Secure flag and no __Host- prefix', async () => {
    const session = await createAdminSession({ password: PASSWORD, now: NOW, secure: false });
    expect(session.name).toBe(ADMIN_COOKIE_NAME.http);
    expect(session.header).not.toContain('Secure');
    expect(session.header).toContain('HttpOnly; SameSite=Strict');
  });

  it('an expired cookie is refused, even though its signature is right', async () => {
    const session = await createAdminSession({ password: PASSWORD, now: NOW, secure: true });
    expect(await verifyAdminSession(session.value, PASSWORD, NOW + 12 * 3_600_000)).toBe(false);
    expect(await verifyAdminSession(session.value, PASSWORD, NOW + 30 * 24 * 3_600_000)).toBe(false);
  });

  it('a cookie signed with an old password is refused after the password changed', async () => {
    const session = await createAdminSession({ password: 'the-old-password', now: NOW, secure: true });
    expect(await verifyAdminSession(session.value, 'the-old-password', NOW)).toBe(true);
    expect(await verifyAdminSession(session.value, PASSWORD, NOW)).toBe(false);
  });

  it.each([
    ['a later expiry, same signature', (value: string) => rewriteJwsPayload(value, (claims) => ({ ...claims, exp: Number(claims.exp) + 3_600 }))],
    ['another nonce', (value: string) => rewriteJwsPayload(value, (claims) => ({ ...claims, jti: 'AAAAAAAAAAAAAAAAAAAAAA' }))],
    ['one signature character changed', (value: string) => value.slice(0, -10) + (value.at(-10) === 'A' ? 'B' : 'A') + value.slice(-9)],
    ['the last signature character respelled (same bytes: its 2 spare bits)', respellLastCharacter],
    ['the signature cut short', (value: string) => value.slice(0, -2)],
    ['no signature', (value: string) => value.split('.').slice(0, 2).join('.')],
    ['an extra part', (value: string) => `${value}.x`],
    ['empty', () => ''],
    ['garbage', () => 'not-a-session'],
  ])('a tampered cookie is refused: %s', async (_, tamper) => {
    const session = await createAdminSession({ password: PASSWORD, now: NOW, secure: true });
    expect(await verifyAdminSession(tamper(session.value), PASSWORD, NOW)).toBe(false);
  });

  it('a cookie of the earlier hand-made format (`<expiresAt>.<nonce>.<HMAC>`) no longer verifies: the admin signs in again', async () => {
    const expiresAt = NOW + 3_600_000;
    const nonce = 'AAAAAAAAAAAAAAAAAAAAAA';
    const signature = createHmac('sha256', deriveAdminKey(PASSWORD, 'session')).update(`v1.${expiresAt}.${nonce}`).digest('base64url');
    expect(await verifyAdminSession(`${expiresAt}.${nonce}.${signature}`, PASSWORD, NOW)).toBe(false);
  });

  it('an expiry further out than a session lasts is refused even when signed (not made by this code)', async () => {
    // Signed for "now + 13 h" by signing at a later time, then presented now.
    const session = await createAdminSession({ password: PASSWORD, now: NOW + 3_600_000, secure: true });
    expect(await verifyAdminSession(session.value, PASSWORD, NOW)).toBe(false);
  });

  it('reads the cookie from a Cookie header among others, under either name', async () => {
    const https = await createAdminSession({ password: PASSWORD, now: NOW, secure: true });
    const http = await createAdminSession({ password: PASSWORD, now: NOW, secure: false });
    expect(readAdminSessionCookie(`a=1; ${https.name}=${https.value}; b=2`)).toEqual([https.value]);
    expect(readAdminSessionCookie(`${http.name}=${http.value}`)).toEqual([http.value]);
    expect(readAdminSessionCookie('xipu-admin-other=1')).toEqual([]);
    expect(readAdminSessionCookie(null)).toEqual([]);
  });

  it('sign-out deletes the cookie (Max-Age=0)', () => {
    expect(clearAdminSession(true)).toBe('__Host-xipu-admin=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure');
    expect(clearAdminSession(false)).toBe('xipu-admin=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict');
  });
});

describe('admin access', () => {
  const cookieFor = async (password: string, now = NOW): Promise<string> => {
    const session = await createAdminSession({ password, now, secure: true });
    return `${session.name}=${session.value}`;
  };

  it.each([
    ['a valid session', { adminPassword: PASSWORD, hosted: true }, () => cookieFor(PASSWORD), 'signed-in', true],
    ['no cookie', { adminPassword: PASSWORD, hosted: true }, () => null, 'signed-out', false],
    ['an old password\'s cookie', { adminPassword: PASSWORD, hosted: false }, () => cookieFor('old-password'), 'signed-out', false],
    ['locally without ADMIN_PASSWORD (open, with a banner)', { adminPassword: undefined, hosted: false }, () => null, 'open', true],
    ['hosted without ADMIN_PASSWORD (the page is off)', { adminPassword: undefined, hosted: true }, () => cookieFor(PASSWORD), 'not-configured', false],
  ] as Array<[string, { adminPassword?: string; hosted: boolean }, () => Promise<string> | null, string, boolean]>)('%s', async (_, config, cookie, access, admin) => {
    const cookieHeader = await cookie();
    expect(await readAdminAccess(config, cookieHeader, NOW)).toBe(access);
    const request = new Request('https://gateway.example/api/health', { headers: cookieHeader ? { cookie: cookieHeader } : {} });
    expect(await isAdminRequest(request, config, NOW)).toBe(admin);
  });
});
