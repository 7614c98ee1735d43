import { createBrowserLogin } from '@/lib/xipu/credentials/create-browser-login';
import { authorizeRouteSecret } from '@/lib/xipu/credentials/route-secret';
import { startLogin, type CreateLogin } from '@/lib/xipu/credentials/start-login';
import { GatewayError } from '@/lib/errors/gateway-error';
import { findXipuAccount } from '@/lib/gateway/build-gateway-context';
import type { RouteHandler } from '@/lib/http/gateway-route';

/**
 * POST /api/login[?account=<id>] (bearer CRON_SECRET): starts one login of the account (the
 * primary one without `account`; 404 for an unknown id) across all instances and answers
 * at once — 202 `started` (the browser runs in `after()`, bounded by the route's
 * maxDuration) or `in-progress`; 503 `backed-off` after recent failures. Requests waiting
 * for credentials watch the store for the result.
 */
export function loginHandler(createLogin: CreateLogin = createBrowserLogin): RouteHandler {
  return async (request, scope) => {
    const { config, now } = scope.context;
    authorizeRouteSecret(request, config);
    const account = findXipuAccount(scope.context, new URL(request.url).searchParams.get('account'));
    if (!account.settings.login.enabled) {
      throw new GatewayError(account.settings.id === 'default' ? 'Automatic login is off: set XJTLU_USERNAME and XJTLU_PASSWORD.' : `Automatic login is off for account ${account.settings.id}: give it a username and password in XIPU_ACCOUNTS.`, {
        status: 409,
        type: 'invalid_request_error',
        code: 'login_not_configured',
        retryable: false,
      });
    }
    const start = await startLogin({ account, now });
    if (start.status === 'started') {
      const performLogin = createLogin(account.settings);
      scope.defer(async () => {
        await start.run(performLogin);
      });
      return Response.json({ status: 'started' }, { status: 202 });
    }
    if (start.status === 'in-progress') return Response.json({ status: 'in-progress' }, { status: 202 });
    return Response.json(
      { status: 'backed-off', nextAttemptAt: start.nextAttemptAt, message: start.state.message, failedStep: start.state.failedStep },
      { status: 503, headers: { 'retry-after': String(Math.max(1, Math.ceil((start.nextAttemptAt - now()) / 1000))) } },
    );
  };
}
