import type { GatewayContext } from '@/lib/gateway/build-gateway-context';
import { computeHealth } from '@/lib/health/compute-health';
import type { HealthReport, HealthStatus } from '@/lib/health/health-report';
import type { GatewayRouteOptions, RouteHandler } from '@/lib/http/gateway-route';
import { logEvent } from '@/lib/log/log-event';
import { routeSet } from './route-set';

export interface HealthHandlerOptions {
  /**
   * Whether the request carries a valid admin session (lib/admin); only then does the answer
   * include the checks and their reasons. Default: nobody is.
   */
  isAdmin?: (request: Request, context: GatewayContext) => Promise<boolean>;
  /**
   * The public answer is reused this long (per instance), so a monitor polling hard — or
   * anyone, since the route is public — costs the store a few commands per period, not per
   * request (Upstash's free tier counts commands). Admins always get a fresh report.
   */
  cacheMs?: number;
}

const DEFAULT_CACHE_MS = 10_000;

/** ok and degraded still serve chats (200); down does not (503), which any uptime monitor reads. */
export function healthHttpStatus(status: HealthStatus): number {
  return status === 'down' ? 503 : 200;
}

/** The health answer: `{status}` (or the whole report for admins), never cached by anyone in between. */
export function healthResponse(report: Pick<HealthReport, 'status'> & Partial<HealthReport>): Response {
  return Response.json(report, { status: healthHttpStatus(report.status), headers: { 'Cache-Control': 'no-store' } });
}

/** What a misconfigured gateway answers: no report can be computed, and no chat can run. */
export function healthDownResponse(): Response {
  return healthResponse({ status: 'down' });
}

/**
 * GET /api/health: whether a chat would succeed now (lib/health/compute-health.ts), from
 * recorded state only — no upstream call. Public: `{"status":"ok"|"degraded"|"down"}` with
 * 200 / 200 / 503 and `Cache-Control: no-store`; the signed-in admin also gets `checkedAt`
 * and `checks`.
 */
export function healthHandler(options: HealthHandlerOptions = {}): RouteHandler {
  const isAdmin = options.isAdmin ?? (async () => false);
  const cacheMs = options.cacheMs ?? DEFAULT_CACHE_MS;
  let cached: { report: Promise<HealthReport>; until: number } | undefined;

  const compute = (context: GatewayContext): Promise<HealthReport> =>
    computeHealth({ config: { ok: true, config: context.config }, store: context.store, now: context.now() });

  return async (request, scope) => {
    const { context } = scope;
    if (await isAdminRequest(request, context)) return healthResponse(await compute(context));

    const now = context.now();
    if (!cached || now >= cached.until) {
      // Concurrent polls share one computation.
      cached = { report: compute(context), until: now + cacheMs };
    }
    const computing = cached;
    try {
      const report = await computing.report;
      scope.logFields.health = report.status;
      return healthResponse({ status: report.status });
    } catch (error) {
      // computeHealth reports store failures itself; this is a bug. Say down, and try afresh next time.
      if (cached === computing) cached = undefined;
      logEvent('error', 'health_check_failed', { requestId: scope.requestId, error: error instanceof Error ? error.message : String(error) });
      return healthDownResponse();
    }
  };

  async function isAdminRequest(request: Request, context: GatewayContext): Promise<boolean> {
    try {
      return await isAdmin(request, context);
    } catch (error) {
      logEvent('warn', 'admin_check_failed', { error: error instanceof Error ? error.message : String(error) });
      return false;
    }
  }
}

/**
 * The /api/health route set: public (no client key), and a misconfigured gateway still
 * answers `{"status":"down"}` with 503 instead of the OpenAI error other routes give.
 * `routeOptions` are the test seams of gatewayRoute.
 */
export function createHealthRoutes(options: HealthHandlerOptions = {}, routeOptions: GatewayRouteOptions = {}) {
  return routeSet({ GET: healthHandler(options) }, { ...routeOptions, authenticate: false, contextErrorResponse: healthDownResponse });
}
