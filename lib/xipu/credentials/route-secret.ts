import { randomBytes } from 'node:crypto';
import type { GatewayConfig } from '@/lib/config/env';
import { readBearerToken } from '@/lib/auth/read-bearer-token';
import { timingSafeEqual } from '@/lib/auth/timing-safe-equal';
import { GatewayError } from '@/lib/errors/gateway-error';

const PROCESS_SECRET = Symbol.for('xipu-gateway.process-route-secret');

/**
 * The bearer secret of the cron and login routes: CRON_SECRET (Vercel sends it to crons).
 * Locally without it, a random secret of this process, so `next start` can still reach its
 * own login route and nobody else can. Hosted without CRON_SECRET: none (the routes refuse).
 */
export function routeSecret(config: GatewayConfig): string | undefined {
  if (config.cronSecret) return config.cronSecret;
  if (config.hosted) return undefined;
  const holder = globalThis as { [PROCESS_SECRET]?: string };
  holder[PROCESS_SECRET] ??= randomBytes(24).toString('base64url');
  return holder[PROCESS_SECRET];
}

/**
 * Checks `Authorization: Bearer <secret>` in constant time.
 * @throws GatewayError 503 hosted without CRON_SECRET (the route refuses to run at all), 401 otherwise.
 */
export function authorizeRouteSecret(request: Request, config: GatewayConfig): void {
  const secret = routeSecret(config);
  if (!secret) {
    throw new GatewayError('CRON_SECRET is not set: the cron and login routes refuse to run. Set CRON_SECRET in the deployment.', {
      status: 503,
      type: 'server_error',
      code: 'cron_secret_not_configured',
      param: 'CRON_SECRET',
      retryable: false,
    });
  }
  const given = readBearerToken(request.headers);
  if (!given || !timingSafeEqual(given, secret)) {
    throw new GatewayError('This route needs "Authorization: Bearer <CRON_SECRET>".', {
      status: 401,
      type: 'authentication_error',
      code: 'invalid_cron_secret',
      retryable: false,
    });
  }
}
