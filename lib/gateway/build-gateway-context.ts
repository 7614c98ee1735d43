import type { GatewayConfig } from '@/lib/config/env';
import { createPacer, type Pacer } from '@/lib/pacing/pacer';
import { createProviderRegistry, type ProviderRegistry } from '@/lib/providers/provider-registry';
import { createCredentialManager, type LoginTrigger } from '@/lib/xipu/credentials/credential-manager';
import type { CredentialSource } from '@/lib/xipu/api/credential-source';
import { routeSecret } from '@/lib/xipu/credentials/route-secret';
import { createHttpLoginTrigger } from '@/lib/xipu/credentials/trigger-login-over-http';
import { createXipuProvider } from '@/lib/xipu/provider/xipu-provider';
import type { XipuApiOptions, XipuCredentials } from '@/lib/xipu/api/xipu-api';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';

/** Everything a request needs, built from the configuration and the outside world. */
export interface GatewayContext {
  config: GatewayConfig;
  store: Store;
  providers: ProviderRegistry;
  /** The account's shared call schedule (the keep-alive job's calls take turns too). */
  pacer: Pacer;
  /** Where the XIPU API is (the simulator's in demo mode). */
  xipuApiBase: string;
  /** Options for a XIPU call outside a chat (heartbeat, sweep) with these credentials. */
  xipuApi: (credentials: XipuCredentials) => XipuApiOptions;
  /** Says DEMO MODE in every reply when the upstream is simulated. */
  systemFingerprint: string;
  now: () => number;
}

export const DEMO_FINGERPRINT = 'DEMO MODE: simulated XIPU upstream, not the real service';
export const GATEWAY_FINGERPRINT = 'fp_xipu_gateway';

/**
 * Wires the providers to the store, the pacer and the upstream. Pure wiring: tests call it
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
  const pacer = createPacer({
    store: dependencies.store,
    key: storeKeys.pacerSchedule,
    gapMs: config.pacer.gapMs,
    allowanceMs: config.pacer.allowanceMs,
    maxWaitMs: config.pacer.maxWaitMs,
    serializeStreams: config.pacer.serializeStreams,
    now,
  });
  const credentials =
    dependencies.credentials ??
    createCredentialManager({
      store: dependencies.store,
      fromEnvironment: config.xipu.manualCredentials,
      now,
      login: config.login.enabled
        ? {
            trigger:
              dependencies.loginTrigger ??
              createHttpLoginTrigger({ secret: routeSecret(config), bypassSecret: config.vercelProtectionBypass }),
            refreshMarginMs: config.login.refreshMarginMs,
            waitMs: config.login.waitMs,
          }
        : undefined,
    });
  const xipu = createXipuProvider({
    apiBase: dependencies.apiBase ?? config.xipu.apiBase,
    portalUrl: config.xipu.portalUrl,
    models: config.xipu.models,
    ownedBy: config.demoMode ? 'xipu (DEMO MODE: simulated upstream)' : 'xipu',
    credentials,
    store: dependencies.store,
    pacer,
    firstByteTimeoutMs: config.xipu.firstByteTimeoutMs,
    idleTimeoutMs: config.xipu.idleTimeoutMs,
    thinkTags: config.xipu.thinkTags,
    serializeStreams: config.pacer.serializeStreams,
    sessionLeaseMs: config.sessionLeaseMs,
    fetch: dependencies.fetch,
    now,
  });
  return {
    config,
    store: dependencies.store,
    providers: createProviderRegistry([xipu]),
    pacer,
    xipuApiBase: dependencies.apiBase ?? config.xipu.apiBase,
    xipuApi: (usable) => ({
      apiBase: dependencies.apiBase ?? config.xipu.apiBase,
      portalUrl: config.xipu.portalUrl,
      credentials: usable,
      firstByteTimeoutMs: config.xipu.firstByteTimeoutMs,
      idleTimeoutMs: config.xipu.idleTimeoutMs,
      fetch: dependencies.fetch,
    }),
    systemFingerprint: config.demoMode ? DEMO_FINGERPRINT : GATEWAY_FINGERPRINT,
    now,
  };
}
