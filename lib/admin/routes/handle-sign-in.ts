import { limitRate } from '@/lib/auth/limit-rate';
import { timingSafeEqual } from '@/lib/auth/timing-safe-equal';
import { logEvent } from '@/lib/log/log-event';
import { adminStoreKeys, SIGN_IN_ATTEMPTS_PER_WINDOW, SIGN_IN_WINDOW_MS } from '../context/admin-keys';
import type { AdminHandler } from './admin-route';
import { adminMessagePage, redirectToAdmin } from './admin-responses';
import { clearAdminSession, createAdminSession } from '../access/admin-session';
import { checkSameOrigin } from '../access/check-same-origin';
import { readAdminForm } from './read-admin-form';
import { readClientIp } from '../access/read-client-ip';
import { needsSecureCookie, readRequestOrigin } from '../access/read-request-origin';
import { adminPageOff } from './verify-admin-action';

/**
 * POST /admin/sign-in (form field `password`): the cross-site check, then at most
 * SIGN_IN_ATTEMPTS_PER_WINDOW attempts per client IP a minute (429 beyond), then a
 * constant-time compare with ADMIN_PASSWORD. Right: a fresh session cookie and a redirect to
 * the page. Wrong: a redirect to the page saying so, and no cookie.
 */
export const handleSignIn: AdminHandler = async (request, { config, context, dependencies }) => {
  const password = config.adminPassword;
  if (!password) return config.hosted ? adminPageOff() : redirectToAdmin();
  const origin = checkSameOrigin(request);
  if (!origin.ok) {
    logEvent('warn', 'admin_cross_site_refused', { path: '/admin/sign-in', reason: origin.reason });
    return adminMessagePage(403, 'Refused: cross-site request', `This sign-in was refused because ${origin.reason}.`);
  }
  const ip = readClientIp(request.headers);
  const limit = await limitRate(context.store, {
    key: `${adminStoreKeys.signInRateLimit}:${ip}`,
    limit: SIGN_IN_ATTEMPTS_PER_WINDOW,
    windowMs: SIGN_IN_WINDOW_MS,
    now: dependencies.now(),
  });
  if (!limit.allowed) {
    const retryAfterSeconds = Math.max(1, Math.ceil((limit.resetAt - dependencies.now()) / 1000));
    logEvent('warn', 'admin_sign_in_rate_limited', { ip });
    return adminMessagePage(
      429,
      'Too many sign-in attempts',
      `More than ${SIGN_IN_ATTEMPTS_PER_WINDOW} sign-in attempts in a minute came from your address. Wait ${retryAfterSeconds} s and try again.`,
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
  const form = await readAdminForm(request);
  const given = form?.get('password') ?? '';
  const secure = needsSecureCookie(readRequestOrigin(request.headers, request.url));
  if (!timingSafeEqual(given, password)) {
    logEvent('warn', 'admin_sign_in_failed', { ip });
    return redirectToAdmin({ query: { signin: 'failed' } });
  }
  logEvent('info', 'admin_signed_in', { ip });
  const session = await createAdminSession({ password, now: dependencies.now(), secure });
  return redirectToAdmin({ setCookies: [session.header] });
};

/** POST /admin/actions/sign-out (checked like every action): deletes the cookie. */
export function signOutResponse(request: Request): Promise<Response> {
  return redirectToAdmin({ query: { signin: 'signed-out' }, setCookies: [clearAdminSession(needsSecureCookie(readRequestOrigin(request.headers, request.url)))] });
}
