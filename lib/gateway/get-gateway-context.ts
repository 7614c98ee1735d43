import { loadConfig } from '@/lib/config/env';
import { GatewayError } from '@/lib/errors/gateway-error';
import { createStore } from '@/lib/store/create-store';
import { buildGatewayContext, type GatewayContext } from './build-gateway-context';
import { startDemoUpstream } from './start-demo-upstream';

const CONTEXT = Symbol.for('xipu-gateway.context');
type ContextHolder = { [CONTEXT]?: Promise<GatewayContext> };

/**
 * The process's gateway context, built once and kept on `globalThis` (Next may load a
 * module once per route bundle; every route must share one store and one pacer).
 * @throws GatewayError 503 for a bad configuration, or hosted without Upstash.
 */
export function getGatewayContext(): Promise<GatewayContext> {
  const loaded = loadConfig();
  if (!loaded.ok) {
    return Promise.reject(
      new GatewayError(`The gateway is misconfigured: ${loaded.problem.message}. Fix this environment variable and redeploy.`, {
        status: 503,
        type: 'server_error',
        code: 'invalid_configuration',
        param: loaded.problem.variable,
        retryable: false,
      }),
    );
  }
  const config = loaded.config;
  if (config.hosted && !config.upstash) {
    // A store connected with an env-var prefix sets other names: say which one we saw.
    const remedy = config.prefixedUpstashVariable
      ? `${config.prefixedUpstashVariable} is set: the Upstash store was connected with an environment-variable prefix, so KV_REST_API_URL and KV_REST_API_TOKEN are missing. Reconnect the store with the prefix left empty, or set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN to its values, and redeploy.`
      : 'Add an Upstash Redis store (it sets KV_REST_API_URL and KV_REST_API_TOKEN) and redeploy.';
    return Promise.reject(
      new GatewayError(
        `This deployment needs Upstash Redis: serverless instances share nothing, so pacing, limits and session cleanup would be fiction. ${remedy}`,
        { status: 503, type: 'server_error', code: 'store_not_configured', param: 'UPSTASH_REDIS_REST_URL', retryable: false },
      ),
    );
  }
  const holder = globalThis as ContextHolder;
  holder[CONTEXT] ??= (async () => {
    const store = createStore(config);
    if (config.demoMode) {
      const demo = await startDemoUpstream(config);
      return buildGatewayContext(config, { store, apiBase: demo.apiBase, credentials: demo.credentials });
    }
    return buildGatewayContext(config, { store });
  })();
  // A failed build (e.g. the demo port taken) is not cached: the next request tries again.
  holder[CONTEXT].catch(() => {
    delete holder[CONTEXT];
  });
  return holder[CONTEXT];
}
