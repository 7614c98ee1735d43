import { decodeJwt } from 'jose';

/**
 * When a jm-token was issued and expires, from its JWT payload (docs/xipu-protocol "Hosts and headers":
 * base64url payload, no signature check — we cannot verify XIPU's signature, only read it).
 * Returns nothing for a value that is not a JWT.
 */
export function readTokenTimes(jmToken: string): { issuedAt?: number; expiresAt?: number } {
  try {
    const payload = decodeJwt(jmToken);
    return {
      issuedAt: typeof payload.iat === 'number' ? payload.iat * 1000 : undefined,
      expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined,
    };
  } catch {
    return {};
  }
}
