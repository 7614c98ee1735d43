import { readAdminAccess } from '@/lib/admin/access/read-admin-access';
import { readBearerToken } from '@/lib/auth/read-bearer-token';
import { timingSafeEqual } from '@/lib/auth/timing-safe-equal';
import type { GatewayConfig } from '@/lib/config/env';
import { GatewayError } from '@/lib/errors/gateway-error';

/**
 * Checks who may use `/api/workers` (docs/workers.md "Routes"): `Authorization: Bearer
 * $WORKER_SECRET`, compared in constant time. With `allowAdmin` (the read-only list) the
 * admin is let in too: the ADMIN_PASSWORD as the bearer, or a signed-in /admin session cookie
 * (not the "open" access of a local gateway without ADMIN_PASSWORD: the list names servers
 * behind the gateway, so someone must have proved who they are).
 * @throws GatewayError 503 `worker_secret_not_configured` when WORKER_SECRET is unset (the registry is off), 401 otherwise.
 */
export async function authorizeWorkerRequest(
  request: Request,
  config: Pick<GatewayConfig, 'workerSecret' | 'adminPassword' | 'hosted'>,
  options: { allowAdmin: boolean; now: number },
): Promise<void> {
  const secret = config.workerSecret;
  if (!secret) {
    throw new GatewayError('WORKER_SECRET is not set: the worker registry is off. Set WORKER_SECRET in the deployment to let workers register.', {
      status: 503,
      type: 'server_error',
      code: 'worker_secret_not_configured',
      param: 'WORKER_SECRET',
      retryable: false,
    });
  }
  const given = readBearerToken(request.headers) ?? '';
  // Both comparisons always run, so timing does not tell which secret a guess came close to.
  const isWorker = timingSafeEqual(given, secret);
  const isAdminBearer = options.allowAdmin && config.adminPassword !== undefined && timingSafeEqual(given, config.adminPassword);
  if (given !== '' && (isWorker || isAdminBearer)) return;
  if (options.allowAdmin && (await readAdminAccess(config, request.headers.get('cookie'), options.now)) === 'signed-in') return;
  throw new GatewayError(`This route needs "Authorization: Bearer <WORKER_SECRET>"${options.allowAdmin ? ' (or the admin password, or an /admin session)' : ''}.`, {
    status: 401,
    type: 'authentication_error',
    code: 'invalid_worker_secret',
    retryable: false,
  });
}
