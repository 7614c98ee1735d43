import type { GatewayConfig } from '@/lib/config/env';
import { logEvent } from '@/lib/log/log-event';
import { adminMessagePage } from './admin-responses';
import { checkSameOrigin } from '../access/check-same-origin';
import { isAdmin, readAdminAccess } from '../access/read-admin-access';

/**
 * The checks every admin POST passes on the server, whatever the page showed: the admin
 * page is enabled, the request comes from this origin (not a form on another site), and it
 * carries a valid session (or the page is open locally).
 * @returns the refusal to send, or undefined when the request may proceed.
 */
export async function verifyAdminAction(request: Request, config: GatewayConfig, now: number): Promise<Response | undefined> {
  const access = await readAdminAccess(config, request.headers.get('cookie'), now);
  if (access === 'not-configured') return adminPageOff();
  const origin = checkSameOrigin(request);
  if (!origin.ok) {
    logEvent('warn', 'admin_cross_site_refused', { path: new URL(request.url).pathname, reason: origin.reason });
    return adminMessagePage(403, 'Refused: cross-site request', `This request was refused because ${origin.reason}. Use the buttons on the admin page itself.`);
  }
  if (!isAdmin(access)) return adminMessagePage(401, 'Sign in first', 'Your admin session is missing or has expired. Sign in on the admin page and try again.');
  return undefined;
}

/** Hosted without ADMIN_PASSWORD: every admin route says how to turn the page on, and nothing else. */
export function adminPageOff(): Response {
  return adminMessagePage(
    403,
    'The admin page is off',
    'Set ADMIN_PASSWORD (a long random value) in the deployment\'s environment variables and redeploy to turn the admin page on.',
  );
}
