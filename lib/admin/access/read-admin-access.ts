import type { GatewayConfig } from '@/lib/config/env';
import { readAdminSessionCookie, verifyAdminSession } from './admin-session';

/**
 * Who is looking at the admin page:
 * - `signed-in`: a valid session cookie for the current ADMIN_PASSWORD;
 * - `open`: run locally without ADMIN_PASSWORD — everyone who reaches the port is the admin
 *   (like the API without API_KEYS), and the page says so loudly;
 * - `signed-out`: ADMIN_PASSWORD is set and there is no valid session;
 * - `not-configured`: hosted without ADMIN_PASSWORD — the page only says how to set it.
 */
export type AdminAccess = 'signed-in' | 'open' | 'signed-out' | 'not-configured';

export async function readAdminAccess(config: Pick<GatewayConfig, 'adminPassword' | 'hosted'>, cookieHeader: string | null | undefined, now: number = Date.now()): Promise<AdminAccess> {
  const password = config.adminPassword;
  if (!password) return config.hosted ? 'not-configured' : 'open';
  for (const value of readAdminSessionCookie(cookieHeader)) {
    if (await verifyAdminSession(value, password, now)) return 'signed-in';
  }
  return 'signed-out';
}

/** Whether the access level may see and do everything. */
export function isAdmin(access: AdminAccess): boolean {
  return access === 'signed-in' || access === 'open';
}

/**
 * Whether `request` comes from the admin: a valid session cookie, or a local gateway
 * without ADMIN_PASSWORD. For read-only views (the health route's details); actions also
 * pass the cross-site check (verifyAdminAction).
 */
export async function isAdminRequest(request: Request, config: Pick<GatewayConfig, 'adminPassword' | 'hosted'>, now: number = Date.now()): Promise<boolean> {
  return isAdmin(await readAdminAccess(config, request.headers.get('cookie'), now));
}
