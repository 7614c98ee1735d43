import { createBrowserLogin } from '@/lib/credentials/create-browser-login';
import { authorizeRouteSecret } from '@/lib/credentials/route-secret';
import type { PerformLogin } from '@/lib/credentials/start-login';
import type { GatewayConfig } from '@/lib/config/env';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { runKeepalive } from '@/lib/keepalive/run-keepalive';

/** GET /api/cron/keepalive (bearer CRON_SECRET; Vercel's cron sends it): the JSON report. */
export function keepaliveHandler(createLogin: (config: GatewayConfig) => PerformLogin = createBrowserLogin): RouteHandler {
  return async (request, scope) => {
    const { config, store, pacer, xipuApiBase, now } = scope.context;
    authorizeRouteSecret(request, config);
    const report = await runKeepalive({
      config,
      store,
      pacer,
      apiBase: xipuApiBase,
      performLogin: config.login.enabled ? createLogin(config) : undefined,
      now,
    });
    return Response.json(report);
  };
}
