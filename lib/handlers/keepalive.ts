import { describeErrorForLog } from '@/lib/errors/gateway-error';
import { createBrowserLogin } from '@/lib/xipu/credentials/create-browser-login';
import type { CreateLogin } from '@/lib/xipu/credentials/start-login';
import { authorizeRouteSecret } from '@/lib/xipu/credentials/route-secret';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { recordKeepaliveRun } from '@/lib/xipu/keepalive/keepalive-record';
import { runKeepalive } from '@/lib/xipu/keepalive/run-keepalive';

/** GET /api/cron/keepalive (bearer CRON_SECRET; Vercel's cron sends it): every account's keep-alive, the JSON report. */
export function keepaliveHandler(createLogin: CreateLogin = createBrowserLogin): RouteHandler {
  return async (request, scope) => {
    const { config, now } = scope.context;
    authorizeRouteSecret(request, config);
    // Every account, side by side (each has its own schedule, so they do not wait for each
    // other); one account's failure is its own report's, never the others'.
    const settled = await Promise.allSettled(
      scope.context.xipuAccounts.map(async (account) => {
        const report = await runKeepalive({
          account,
          performLogin: account.settings.login.enabled ? createLogin(account.settings) : undefined,
          now,
        });
        await recordKeepaliveRun(account, report, now());
        return { id: account.settings.id, ...report };
      }),
    );
    // The primary account's report at the top, as with one account (its failure is the route's);
    // with several, each account's in `accounts`, a failed one as its error.
    const [first] = settled;
    if (first!.status === 'rejected') throw first!.reason;
    const { id: _id, ...primary } = first!.value;
    if (settled.length === 1) return Response.json(primary);
    const accounts = settled.map((outcome, index) =>
      outcome.status === 'fulfilled'
        ? outcome.value
        : { id: scope.context.xipuAccounts[index]!.settings.id, error: describeErrorForLog(outcome.reason).slice(0, 300) },
    );
    return Response.json({ ...primary, accounts });
  };
}
