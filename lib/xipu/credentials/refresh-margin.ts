import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';

/**
 * How long before its expiry a pair is due for a refresh login: `marginMs`
 * (LOGIN_REFRESH_MARGIN_MINUTES), at most a third of the token's lifetime when its JWT gives
 * both `iat` and `exp` — so a short-lived token still gets one login per lifetime, not one
 * per request.
 */
export function refreshMarginMs(marginMs: number, credentials: Pick<StoredCredentials, 'issuedAt' | 'expiresAt'>): number {
  if (credentials.expiresAt === undefined || credentials.issuedAt === undefined) return marginMs;
  return Math.min(marginMs, (credentials.expiresAt - credentials.issuedAt) / 3);
}
