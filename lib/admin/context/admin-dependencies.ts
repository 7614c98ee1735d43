import { loadConfig, type ConfigResult, type GatewayConfig } from '@/lib/config/env';
import type { GatewayContext } from '@/lib/gateway/build-gateway-context';
import { getGatewayContext } from '@/lib/gateway/get-gateway-context';

/** The outside world of the admin routes and page; tests pass the harness's. */
export interface AdminDependencies {
  loadConfig: () => ConfigResult;
  getContext: () => Promise<GatewayContext>;
  /** Runs work after the response (Next's `after()`): the login the "log in now" button starts. */
  defer: (task: () => Promise<void>) => void;
  now: () => number;
  /** For the reachability check. */
  fetch: typeof fetch;
}

export type AdminContextResult =
  | { kind: 'ready'; config: GatewayConfig; context: GatewayContext }
  /** A bad variable: the message names it (the API answers the same 503). */
  | { kind: 'misconfigured'; message: string }
  /** The configuration parses but the gateway cannot run (hosted without Upstash). */
  | { kind: 'unavailable'; config: GatewayConfig; message: string };

/** The production dependencies, except `defer` (route files pass Next's `after`). */
export function productionAdminDependencies(defer: AdminDependencies['defer']): AdminDependencies {
  return { loadConfig, getContext: getGatewayContext, defer, now: Date.now, fetch: (...args) => fetch(...args) };
}

/** The gateway's context for an admin request, or why there is none. */
export async function resolveAdminContext(dependencies: Pick<AdminDependencies, 'loadConfig' | 'getContext'>): Promise<AdminContextResult> {
  const loaded = dependencies.loadConfig();
  if (!loaded.ok) return { kind: 'misconfigured', message: loaded.problem.message };
  try {
    const context = await dependencies.getContext();
    return { kind: 'ready', config: context.config, context };
  } catch (error) {
    return { kind: 'unavailable', config: loaded.config, message: error instanceof Error ? error.message : String(error) };
  }
}
