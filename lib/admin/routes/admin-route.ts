import { GatewayError } from '@/lib/errors/gateway-error';
import type { GatewayConfig } from '@/lib/config/env';
import type { GatewayContext } from '@/lib/gateway/build-gateway-context';
import { logEvent } from '@/lib/log/log-event';
import { resolveAdminContext, type AdminDependencies } from '../context/admin-dependencies';
import { ADMIN_RESPONSE_HEADERS, adminMessagePage } from './admin-responses';

/** What an admin handler gets besides the request. */
export interface AdminScope {
  config: GatewayConfig;
  context: GatewayContext;
  dependencies: AdminDependencies;
  params: Record<string, string | string[] | undefined>;
}

export type AdminHandler = (request: Request, scope: AdminScope) => Promise<Response>;

type NextRouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

/**
 * The one wrapper every admin route goes through (route-table.ts builds them all with it).
 * Turns an admin handler into a Next route handler: the gateway's context (or a 503 page
 * naming the configuration problem), one error policy (a page, never a stack trace), a log
 * line per request, and the admin headers — never cached, never framed — on every answer.
 * Each handler still checks the admin's access itself.
 */
export function adminRoute(handler: AdminHandler, dependencies: AdminDependencies) {
  return async (request: Request, routeContext?: NextRouteContext): Promise<Response> => {
    const startedAt = Date.now();
    let response: Response;
    try {
      const resolved = await resolveAdminContext(dependencies);
      if (resolved.kind !== 'ready') {
        response = adminMessagePage(503, 'The gateway is not set up', resolved.message);
      } else {
        response = await handler(request, {
          config: resolved.config,
          context: resolved.context,
          dependencies,
          params: (await routeContext?.params) ?? {},
        });
      }
    } catch (error) {
      if (error instanceof GatewayError && error.status >= 400 && error.status < 500) {
        // A request naming what does not exist (`?account=` of no account): its own status, not a 500.
        response = adminMessagePage(error.status, 'Not found', error.message);
      } else {
        logEvent('error', 'admin_unexpected_error', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        response = adminMessagePage(500, 'Something went wrong', `The admin page could not do this: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    for (const [name, value] of Object.entries(ADMIN_RESPONSE_HEADERS)) {
      if (!response.headers.has(name)) response.headers.set(name, value);
    }
    logEvent(response.status >= 500 ? 'error' : 'info', 'admin_request', {
      method: request.method,
      path: new URL(request.url).pathname,
      status: response.status,
      headersMs: Date.now() - startedAt,
    });
    return response;
  };
}
