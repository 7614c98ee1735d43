import { parseConfig, type GatewayConfig } from '@/lib/config/env';
import { PER_CHAT_SESSIONS } from './gateway-process';
import { buildGatewayContext, type GatewayContext } from '@/lib/gateway/build-gateway-context';
import { routeSet } from '@/lib/handlers/route-set';
import { chatCompletions } from '@/lib/handlers/chat-completions';
import { createHealthRoutes } from '@/lib/handlers/health';
import { listModels, retrieveModel } from '@/lib/handlers/models';
import { createResponse } from '@/lib/handlers/responses';
import { unknownPath } from '@/lib/handlers/unsupported-paths';
import { createMemoryStore } from '@/lib/store/memory-store';
import type { Store } from '@/lib/store/store';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '@/simulator/start-simulator';
import type { LoginTrigger } from '@/lib/xipu/credentials/credential-manager';
import { startLogin, type PerformLogin } from '@/lib/xipu/credentials/start-login';
import { accountStore } from '@/lib/xipu/account/account-store';

/**
 * The login route's behaviour without HTTP: take the lock (or report in-progress /
 * backed-off) and run the login concurrently, like the route's after().
 */
export function createInProcessLoginTrigger(store: Store, performLogin: PerformLogin, logins: Array<Promise<unknown>>): LoginTrigger {
  return async () => {
    const start = await startLogin({ account: accountStore(store) });
    if (start.status === 'started') {
      logins.push(start.run(performLogin));
      return { status: 'started' };
    }
    if (start.status === 'backed-off') {
      return { status: 'backed-off', nextAttemptAt: start.nextAttemptAt, message: start.state.message, failedStep: start.state.failedStep };
    }
    return { status: 'in-progress' };
  };
}

export interface GatewayHarness {
  simulator: SimulatorHandle;
  context: GatewayContext;
  store: Store;
  config: GatewayConfig;
  routes: {
    chat: ReturnType<typeof routeSet>;
    models: ReturnType<typeof routeSet>;
    model: ReturnType<typeof routeSet>;
    responses: ReturnType<typeof routeSet>;
    unknown: ReturnType<typeof routeSet>;
    /** GET /api/health without its per-instance cache, so each call computes afresh. */
    health: ReturnType<typeof routeSet>;
  };
  /** Options to build more route sets on the same context (internal routes in tests). */
  routeOptions: { getContext: () => Promise<GatewayContext>; defer: (task: () => Promise<void>) => void };
  /** Logins started by the in-process trigger (await them to see their outcome). */
  logins: Array<Promise<unknown>>;
  /** POST /v1/chat/completions with a JSON body. */
  chat(body: unknown, init?: { headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response>;
  /** GET /api/health (uncached). */
  health(init?: { headers?: Record<string, string> }): Promise<Response>;
  /** Runs every task deferred with after() so far (session deletions, lease releases): call it once the response is read or cancelled. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A gateway wired like production — real handlers, real pacer and store code, a real
 * simulator over HTTP — with a fresh in-memory store (or the given one) and `after()`
 * replaced by a collector the test can await.
 */
export async function startGatewayHarness(options: {
  environment?: Record<string, string>;
  simulator?: SimulatorOptions;
  /** Use this running simulator (left open on close) instead of starting one. */
  existingSimulator?: SimulatorHandle;
  store?: Store;
  /** Start without XIPU credentials (a login must get them). */
  withoutCredentials?: boolean;
  /** Runs logins in this process, as the login route would (default: none configured). */
  performLogin?: (harness: { simulator: SimulatorHandle }) => PerformLogin;
  /** The gateway's clock (default Date.now): several harnesses can share a fake one. */
  now?: () => number;
} = {}): Promise<GatewayHarness> {
  const simulator = options.existingSimulator ?? (await startSimulator({ minGapMs: 40, chunkDelayMs: 1, ...options.simulator }));
  const credentials = simulator.mintCredentials();
  const parsed = parseConfig({
    ...(options.withoutCredentials ? {} : { JM_TOKEN: credentials.jmToken, SDP_SESSION: credentials.sdpSession }),
    ...(options.performLogin
      ? { XJTLU_USERNAME: simulator.portalAccount.username, XJTLU_PASSWORD: simulator.portalAccount.password }
      : {}),
    XIPU_API_BASE: simulator.apiBase,
    XIPU_PORTAL_URL: simulator.portalUrl,
    UPSTREAM_MIN_GAP_MS: '50',
    UPSTREAM_ANSWER_ALLOWANCE_MS: '40',
    UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '5000',
    UPSTREAM_IDLE_TIMEOUT_MS: '3000',
    RATE_LIMIT_RPM: '1000',
    MAX_CONCURRENT_PER_KEY: '50',
    ...PER_CHAT_SESSIONS,
    ...options.environment,
  });
  if (!parsed.ok) throw new Error(parsed.problem.message);
  const store = options.store ?? createMemoryStore();
  const logins: Array<Promise<unknown>> = [];
  const performLogin = options.performLogin?.({ simulator });
  const context = buildGatewayContext(parsed.config, {
    store,
    now: options.now,
    loginTrigger: performLogin ? createInProcessLoginTrigger(store, performLogin, logins) : undefined,
  });
  // Like after(): tasks wait until the response is over, which the test signals with settle().
  const deferred: Array<() => Promise<void>> = [];
  const defer = (task: () => Promise<void>) => {
    deferred.push(task);
  };
  const routeOptions = { getContext: async () => context, defer };
  const routes = {
    chat: routeSet({ POST: chatCompletions }, routeOptions),
    models: routeSet({ GET: listModels }, routeOptions),
    model: routeSet({ GET: retrieveModel }, routeOptions),
    responses: routeSet({ POST: createResponse }, routeOptions),
    unknown: routeSet({ GET: unknownPath, POST: unknownPath }, { ...routeOptions, authenticate: false }),
    health: createHealthRoutes({ cacheMs: 0 }, routeOptions),
  };
  return {
    simulator,
    context,
    store,
    config: parsed.config,
    routes,
    chat: (body, init = {}) =>
      routes.chat.POST(
        new Request('http://gateway.test/v1/chat/completions', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...init.headers },
          body: typeof body === 'string' ? body : JSON.stringify(body),
          signal: init.signal,
        }),
      ),
    health: (init = {}) => routes.health.GET(new Request('http://gateway.test/api/health', { headers: init.headers })),
    logins,
    routeOptions,
    async settle() {
      while (deferred.length > 0) {
        const tasks = deferred.splice(0);
        const results = await Promise.allSettled(tasks.map((task) => task()));
        const failure = results.find((result) => result.status === 'rejected');
        if (failure) throw (failure as PromiseRejectedResult).reason;
      }
    },
    async close() {
      if (!options.existingSimulator) await simulator.close();
    },
  };
}
