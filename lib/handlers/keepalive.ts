import { createBrowserLogin } from '@/lib/xipu/credentials/create-browser-login';
import { authorizeRouteSecret } from '@/lib/xipu/credentials/route-secret';
import type { PerformLogin } from '@/lib/xipu/credentials/start-login';
import type { GatewayConfig } from '@/lib/config/env';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { runKeepalive } from '@/lib/xipu/keepalive/run-keepalive';
import { storeKeys } from '@/lib/store/keys';

/** The last run is shown on the admin page; a week covers any cron schedule. */
const KEEPALIVE_RECORD_TTL_MS = 7 * 24 * 3_600_000;

/** GET /api/cron/keepalive (bearer CRON_SECRET; Vercel's cron sends it): the JSON report. */
export function keepaliveHandler(createLogin: (config: GatewayConfig) => PerformLogin = createBrowserLogin): RouteHandler {
  return async (request, scope) => {
    const { config, store, pacer, now } = scope.context;
    authorizeRouteSecret(request, config);
    const report = await runKeepalive({
      config,
      store,
      pacer,
      xipuApi: scope.context.xipuApi,
      performLogin: config.login.enabled ? createLogin(config) : undefined,
      now,
    });
    await store.set(storeKeys.keepaliveLastRun, JSON.stringify({ at: now(), report }), { ttlMs: KEEPALIVE_RECORD_TTL_MS });
    return Response.json(report);
  };
}
