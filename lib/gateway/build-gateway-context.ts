import type { GatewayConfig } from '@/lib/config/env';
import { GatewayError } from '@/lib/errors/gateway-error';
import { createProviderRegistry, staticSource, type ProviderRegistry } from '@/lib/providers/provider-registry';
import type { Store } from '@/lib/store/store';
import { storeKeys } from '@/lib/store/keys';
import { createAichatsProvider } from '@/lib/aichats/create-aichats-provider';
import { createMockProvider } from '@/lib/mock/create-mock-provider';
import { createUpstreamSource } from '@/lib/openai-compatible/create-upstream-source';
import { createWorkerSource } from '@/lib/workers/create-worker-source';
import { xipuAccountSettings } from '@/lib/xipu/account/account-settings';
import type { CredentialSource } from '@/lib/xipu/api/credential-source';
import type { LoginTrigger } from '@/lib/xipu/credentials/credential-manager';
import { routeSecret } from '@/lib/xipu/credentials/route-secret';
import { createXipuAccount, type XipuAccount } from '@/lib/xipu/create-xipu-account';

/** Everything a request needs, built from the configuration and the outside world. */
export interface GatewayContext {
  config: GatewayConfig;
  store: Store;
  providers: ProviderRegistry;
  /**
   * The XIPU accounts, each a value with its own records, schedule, credentials and sessions
   * (lib/xipu/create-xipu-account.ts). Today the configuration describes one: the default.
   */
  xipuAccounts: XipuAccount[];
  /** Says DEMO MODE in every reply when the upstream is simulated. */
  systemFingerprint: string;
  now: () => number;
}

export const DEMO_FINGERPRINT = 'DEMO MODE: simulated XIPU upstream, not the real service';
export const GATEWAY_FINGERPRINT = 'fp_xipu_gateway';

/**
 * Wires the providers to the store and the upstream accounts. Pure wiring: tests call it
 * with their own store, fetch, clock and upstream.
 */
export function buildGatewayContext(
  config: GatewayConfig,
  dependencies: {
    store: Store;
    /** Overrides the XIPU API base (demo mode points it at the in-process simulator). */
    apiBase?: string;
    credentials?: CredentialSource;
    /** How a login is asked for; default: this deployment's login route over HTTP. */
    loginTrigger?: LoginTrigger;
    fetch?: typeof fetch;
    now?: () => number;
  },
): GatewayContext {
  const now = dependencies.now ?? Date.now;
  const xipuAccounts = xipuAccountSettings(config).map((settings) =>
    createXipuAccount(settings, {
      store: dependencies.store,
      apiBase: dependencies.apiBase,
      credentials: dependencies.credentials,
      loginTrigger: dependencies.loginTrigger,
      loginRoute: { secret: routeSecret(config), bypassSecret: config.vercelProtectionBypass },
      fetch: dependencies.fetch,
      now,
    }),
  );
  return {
    config,
    store: dependencies.store,
    providers: createProviderRegistry([
      ...(config.mockModel ? [staticSource('mock', [createMockProvider()])] : []),
      ...config.upstreams.map((entry) =>
        createUpstreamSource(entry, {
          store: dependencies.store,
          now,
          firstByteTimeoutMs: config.xipu.firstByteTimeoutMs,
          idleTimeoutMs: config.xipu.idleTimeoutMs,
          fetch: dependencies.fetch,
        }),
      ),
      // The registry is on only with WORKER_SECRET (its routes answer 503 without): no store read otherwise.
      ...(config.workerSecret
        ? [
            createWorkerSource({
              store: dependencies.store,
              now,
              firstByteTimeoutMs: config.xipu.firstByteTimeoutMs,
              idleTimeoutMs: config.xipu.idleTimeoutMs,
              fetch: dependencies.fetch,
            }),
          ]
        : []),
      // Only when asked for (AICHATS_ENABLED), demo mode included: a third-party site, best effort (docs/aichats.md).
      ...(config.aichats.enabled
        ? [
            staticSource('aichats', [
              createAichatsProvider({
                baseUrl: config.aichats.baseUrl,
                firstByteTimeoutMs: config.xipu.firstByteTimeoutMs,
                idleTimeoutMs: config.xipu.idleTimeoutMs,
                fetch: dependencies.fetch,
              }),
            ]),
          ]
        : []),
      // XIPU last; it takes the ids nobody lists: its list changes over time (docs/xipu-protocol.md "Models").
      staticSource('xipu', xipuAccounts.map((account) => account.provider), { passThrough: true, rotation: { store: dependencies.store, key: storeKeys.routeTurn('xipu') } }),
    ]),
    xipuAccounts,
    systemFingerprint: config.demoMode ? DEMO_FINGERPRINT : GATEWAY_FINGERPRINT,
    now,
  };
}

/**
 * The account the single-account routes act on (the login route, the keep-alive job, the
 * admin page): the first configured, which is the default account.
 */
export function primaryXipuAccount(context: GatewayContext): XipuAccount {
  const account = context.xipuAccounts[0];
  if (!account) throw new Error('no XIPU account is configured');
  return account;
}

/**
 * The account a route names (`?account=<id>`), the primary one when it names none.
 * @throws GatewayError 404 `account_not_found` for an id no account has.
 */
export function findXipuAccount(context: GatewayContext, id: string | null | undefined): XipuAccount {
  if (!id) return primaryXipuAccount(context);
  const account = context.xipuAccounts.find((candidate) => candidate.settings.id === id);
  if (!account) {
    throw new GatewayError(`No XIPU account has the id '${id.slice(0, 64)}'.`, { status: 404, type: 'not_found_error', code: 'account_not_found', param: 'account', retryable: false });
  }
  return account;
}
