import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The admin's session: a stateless cookie `<expiresAt>.<nonce>.<signature>` where the
 * signature is HMAC-SHA256 over `v1.<expiresAt>.<nonce>` with a key derived (HKDF-SHA256)
 * from ADMIN_PASSWORD. Changing the password changes the key, which ends every session at
 * once; nothing is stored server-side. The expiry is inside the signed text, so a cookie
 * kept past its Max-Age (or replayed by hand) is refused all the same.
 */

/** How long a sign-in lasts: a working day, not a month. */
export const ADMIN_SESSION_MAX_AGE_SECONDS = 12 * 3_600;

/**
 * Over https the cookie takes the `__Host-` prefix (the browser then insists on Secure, Path=/
 * and no Domain, so a sibling subdomain cannot plant one); plain http is only for localhost,
 * where a Secure cookie would not be kept.
 */
export const ADMIN_COOKIE_NAME = { https: '__Host-xipu-admin', http: 'xipu-admin' } as const;

const SIGNED_PREFIX = 'v1';
const NONCE_BYTES = 16;
const HKDF_SALT = 'xipu-gateway/admin';

/** One key per purpose, so a signature made for one use never verifies for another. */
export type AdminKeyPurpose = 'session' | 'action-result';

const derivedKeys = new Map<string, Buffer>();

/** HKDF-SHA256 of the password for `purpose` (cached per process: the password is fixed per deployment). */
export function deriveAdminKey(password: string, purpose: AdminKeyPurpose): Buffer {
  const cacheKey = `${purpose}\u0000${password}`;
  let key = derivedKeys.get(cacheKey);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', password, HKDF_SALT, `admin ${purpose} v1`, 32));
    if (derivedKeys.size > 8) derivedKeys.clear();
    derivedKeys.set(cacheKey, key);
  }
  return key;
}

export interface AdminSessionCookie {
  name: string;
  value: string;
  /** The whole `Set-Cookie` header value. */
  header: string;
}

/**
 * A fresh session cookie: HttpOnly, SameSite=Strict, Path=/ (the health route reads it
 * too), Max-Age 12 h, and Secure whenever the page is served over https.
 */
export function createAdminSession(options: { password: string; now: number; secure: boolean }): AdminSessionCookie {
  const expiresAt = options.now + ADMIN_SESSION_MAX_AGE_SECONDS * 1000;
  const nonce = randomBytes(NONCE_BYTES).toString('base64url');
  const value = `${expiresAt}.${nonce}.${sign(options.password, expiresAt, nonce)}`;
  const name = options.secure ? ADMIN_COOKIE_NAME.https : ADMIN_COOKIE_NAME.http;
  return { name, value, header: serializeCookie(name, value, ADMIN_SESSION_MAX_AGE_SECONDS, options.secure) };
}

/** The `Set-Cookie` value that deletes the session cookie (the one this scheme sets). */
export function clearAdminSession(secure: boolean): string {
  return serializeCookie(secure ? ADMIN_COOKIE_NAME.https : ADMIN_COOKIE_NAME.http, '', 0, secure);
}

/**
 * Whether `value` is a session this password signed and that has not expired. Constant
 * time in the signature; any malformed value is simply false.
 */
export function verifyAdminSession(value: string | undefined, password: string, now: number): boolean {
  if (!value || value.length > 200) return false;
  const parts = value.split('.');
  if (parts.length !== 3) return false;
  const [expiresText, nonce, signature] = parts as [string, string, string];
  if (!/^\d{1,16}$/.test(expiresText) || !/^[\w-]{16,64}$/.test(nonce) || !/^[\w-]{43}$/.test(signature)) return false;
  // Compared as text: base64url's last character carries 2 unused bits, so two spellings
  // decode to the same bytes; only the one this code writes is accepted.
  const expected = Buffer.from(sign(password, Number(expiresText), nonce));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  const expiresAt = Number(expiresText);
  // A signed expiry further out than one session could last was not made by this code.
  return expiresAt > now && expiresAt <= now + ADMIN_SESSION_MAX_AGE_SECONDS * 1000;
}

/** The session cookie's value from a `Cookie` header (the `__Host-` one first). */
export function readAdminSessionCookie(cookieHeader: string | null | undefined): string[] {
  if (!cookieHeader) return [];
  const values: string[] = [];
  for (const name of [ADMIN_COOKIE_NAME.https, ADMIN_COOKIE_NAME.http]) {
    for (const part of cookieHeader.split(';')) {
      const separator = part.indexOf('=');
      if (separator === -1 || part.slice(0, separator).trim() !== name) continue;
      values.push(part.slice(separator + 1).trim());
    }
  }
  return values;
}

function sign(password: string, expiresAt: number, nonce: string): string {
  return createHmac('sha256', deriveAdminKey(password, 'session')).update(`${SIGNED_PREFIX}.${expiresAt}.${nonce}`).digest('base64url');
}

function serializeCookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${name}=${value}`, 'Path=/', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}
