import { createBrowserLogin } from '@/lib/xipu/credentials/create-browser-login';
import type { CreateLogin } from '@/lib/xipu/credentials/start-login';
import { authorizeRouteSecret } from '@/lib/xipu/credentials/route-secret';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { primaryXipuAccount } from '@/lib/gateway/build-gateway-context';
import { recordKeepaliveRun } from '@/lib/xipu/keepalive/keepalive-record';
import { runKeepalive } from '@/lib/xipu/keepalive/run-keepalive';

/** GET /api/cron/keepalive (bearer CRON_SECRET; Vercel's cron sends it): the JSON report. */
export function keepaliveHandler(createLogin: CreateLogin = createBrowserLogin): RouteHandler {
  return async (request, scope) => {
    const { config, now } = scope.context;
    authorizeRouteSecret(request, config);
    const account = primaryXipuAccount(scope.context);
    const report = await runKeepalive({
      account,
      performLogin: account.settings.login.enabled ? createLogin(account.settings) : undefined,
      now,
    });
    await recordKeepaliveRun(account, report, now());
    return Response.json(report);
  };
}
