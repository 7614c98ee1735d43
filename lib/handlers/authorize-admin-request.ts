import { checkSameOrigin } from '@/lib/admin/access/check-same-origin';
import { isAdmin, readAdminAccess } from '@/lib/admin/access/read-admin-access';
import { readBearerToken } from '@/lib/auth/read-bearer-token';
import { timingSafeEqual } from '@/lib/auth/timing-safe-equal';
import type { GatewayConfig } from '@/lib/config/env';
import { GatewayError } from '@/lib/errors/gateway-error';

/**
 * Checks who may use `/api/admin/*` (docs/keys.md "Admin API"):
 * - `Authorization: Bearer $ADMIN_PASSWORD`, compared in constant time (scripts); a bearer is
 *   never sent by a browser on its own, so it needs no cross-site check;
 * - or the /admin session cookie (a local gateway without ADMIN_PASSWORD: anyone, like the
 *   page) — but then a request that changes something must pass the same-origin check, so a
 *   page elsewhere cannot make the admin's browser create or revoke keys.
 * @throws GatewayError 503 `admin_password_not_configured` when hosted without ADMIN_PASSWORD,
 *   401 `invalid_admin_credentials`, 403 `cross_site_request_refused`.
 */
export async function authorizeAdminRequest(request: Request, config: Pick<GatewayConfig, 'adminPassword' | 'hosted'>, now: number): Promise<void> {
  const password = config.adminPassword;
  if (!password && config.hosted) {
    throw new GatewayError('ADMIN_PASSWORD is not set: the admin API is off. Set ADMIN_PASSWORD in the deployment.', {
      status: 503,
      type: 'server_error',
      code: 'admin_password_not_configured',
      param: 'ADMIN_PASSWORD',
      retryable: false,
    });
  }
  const given = readBearerToken(request.headers);
  if (given !== undefined && password !== undefined && timingSafeEqual(given, password)) return;
  if (given === undefined && isAdmin(await readAdminAccess(config, request.headers.get('cookie'), now))) {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    const origin = checkSameOrigin(request);
    if (origin.ok) return;
    throw new GatewayError(`Refused: this admin request may come only from this deployment's own pages, and ${origin.reason}.`, {
      status: 403,
      type: 'permission_error',
      code: 'cross_site_request_refused',
      retryable: false,
    });
  }
  throw new GatewayError('This route needs "Authorization: Bearer <ADMIN_PASSWORD>" or an /admin session.', {
    status: 401,
    type: 'authentication_error',
    code: 'invalid_admin_credentials',
    retryable: false,
  });
}
