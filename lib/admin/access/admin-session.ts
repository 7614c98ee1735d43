import { hkdfSync, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { NextRequest } from 'next/server';

/**
 * The admin's session: a stateless cookie holding an HS256 JWT (`iat`, `exp`, a random `jti`)
 * signed with a key derived (HKDF-SHA256) from ADMIN_PASSWORD. Changing the password changes
 * the key, which ends every session at once; nothing is stored server-side. The expiry is
 * inside the signed claims, so a cookie kept past its Max-Age (or replayed by hand) is refused
 * all the same. jose signs and verifies (its HMAC check is constant time).
 *
 * Cookies of the earlier hand-made format (`<expiresAt>.<nonce>.<signature>`) are not JWTs and
 * simply stop verifying: after this change the admin signs in once more.
 */

/** How long a sign-in lasts: a working day, not a month. */
export const ADMIN_SESSION_MAX_AGE_SECONDS = 12 * 3_600;

/**
 * Over https the cookie takes the `__Host-` prefix (the browser then insists on Secure, Path=/
 * and no Domain, so a sibling subdomain cannot plant one); plain http is only for localhost,
 * where a Secure cookie would not be kept.
 */
export const ADMIN_COOKIE_NAME = { https: '__Host-xipu-admin', http: 'xipu-admin' } as const;

const NONCE_BYTES = 16;
const HKDF_SALT = 'xipu-gateway/admin';
const SESSION_ALGORITHM = 'HS256';
/** Far above a real session JWT (about 170 characters): anything longer is not ours, unread. */
const MAX_SESSION_CHARS = 512;
/** Only the host is parsed with the `Cookie` header handed to Next's cookie parser. */
const COOKIE_PARSE_URL = 'http://admin.invalid/';

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
 * too), Max-Age 12 h, and Secure whenever the page is served over https. The JWT's times are
 * whole seconds (`now` rounded down), as JWT claims are.
 */
export async function createAdminSession(options: { password: string; now: number; secure: boolean }): Promise<AdminSessionCookie> {
  const issuedAt = Math.floor(options.now / 1000);
  const value = await new SignJWT({})
    .setProtectedHeader({ alg: SESSION_ALGORITHM, typ: 'JWT' })
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + ADMIN_SESSION_MAX_AGE_SECONDS)
    .setJti(randomBytes(NONCE_BYTES).toString('base64url'))
    .sign(deriveAdminKey(options.password, 'session'));
  const name = options.secure ? ADMIN_COOKIE_NAME.https : ADMIN_COOKIE_NAME.http;
  return { name, value, header: serializeCookie(name, value, ADMIN_SESSION_MAX_AGE_SECONDS, options.secure) };
}

/** The `Set-Cookie` value that deletes the session cookie (the one this scheme sets). */
export function clearAdminSession(secure: boolean): string {
  return serializeCookie(secure ? ADMIN_COOKIE_NAME.https : ADMIN_COOKIE_NAME.http, '', 0, secure);
}

/**
 * Whether `value` is a session this password signed and that has not expired (HS256 only,
 * `iat` and `exp` required, issued no later than `now`, lasting no longer than one session).
 * Any malformed value, including a cookie of the earlier format, is simply false.
 */
export async function verifyAdminSession(value: string | undefined, password: string, now: number): Promise<boolean> {
  if (!value || value.length > MAX_SESSION_CHARS || !hasCanonicalSignature(value)) return false;
  try {
    const { payload } = await jwtVerify(value, deriveAdminKey(password, 'session'), {
      algorithms: [SESSION_ALGORITHM],
      typ: 'JWT',
      currentDate: new Date(now),
      requiredClaims: ['iat', 'exp', 'jti'],
      // Refuses an `iat` in the future, and one older than a session lasts.
      maxTokenAge: ADMIN_SESSION_MAX_AGE_SECONDS,
    });
    // A signed expiry further out than one session could last was not made by this code.
    return payload.exp! - payload.iat! <= ADMIN_SESSION_MAX_AGE_SECONDS;
  } catch {
    return false;
  }
}

/**
 * The session cookie's values in a `Cookie` header (the `__Host-` one first), read with Next's
 * own cookie parser (`NextRequest#cookies`, the one `cookies()` uses).
 */
export function readAdminSessionCookie(cookieHeader: string | null | undefined): string[] {
  if (!cookieHeader) return [];
  const cookies = new NextRequest(COOKIE_PARSE_URL, { headers: { cookie: cookieHeader } }).cookies;
  return [ADMIN_COOKIE_NAME.https, ADMIN_COOKIE_NAME.http].flatMap((name) => cookies.getAll(name).map((cookie) => cookie.value));
}

/**
 * Whether the JWS signature (the last part) is spelled the one way its bytes encode to.
 * base64url's last character of 32 bytes carries 2 unused bits, so four spellings decode to
 * the same signature; jose accepts them all, this code only the one it writes.
 */
export function hasCanonicalSignature(compact: string): boolean {
  const signature = compact.slice(compact.lastIndexOf('.') + 1);
  return Buffer.from(signature, 'base64url').toString('base64url') === signature;
}

function serializeCookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return [`${name}=${value}`, 'Path=/', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}
