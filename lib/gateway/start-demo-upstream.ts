import type { GatewayConfig } from '@/lib/config/env';
import { logEvent } from '@/lib/log/log-event';
import type { CredentialSource } from '@/lib/xipu/api/credential-source';
import { loginExpired } from '@/lib/xipu/api/xipu-errors';

/** Demo credentials live long: a demo should not expire under a newcomer. */
const DEMO_TOKEN_LIFETIME_SECONDS = 30 * 24 * 3600;

export interface DemoUpstream {
  apiBase: string;
  credentials: CredentialSource;
}

const DEMO = Symbol.for('xipu-gateway.demo-upstream');
type DemoHolder = { [DEMO]?: Promise<DemoUpstream> };

/**
 * Starts the upstream simulator inside this process (once per process, shared by every
 * route bundle) so a newcomer with no XIPU account gets a working API at once. Only ever
 * called when not hosted.
 */
export function startDemoUpstream(config: GatewayConfig): Promise<DemoUpstream> {
  const holder = globalThis as DemoHolder;
  holder[DEMO] ??= (async () => {
    const { startSimulator } = await import('@/simulator/start-simulator');
    const simulator = await startSimulator({
      port: config.demoSimulatorPort,
      // The simulator's limit sits below the gateway's gap, like the real service's.
      minGapMs: Math.floor(config.pacer.gapMs * 0.8),
    });
    const minted = simulator.mintCredentials({ lifetimeSeconds: DEMO_TOKEN_LIFETIME_SECONDS });
    const credentials = {
      jmToken: minted.jmToken,
      sdpSession: minted.sdpSession,
      origin: 'demo' as const,
      expiresAt: minted.expiresAt * 1000,
    };
    logEvent('warn', 'demo_mode', {
      message: 'DEMO MODE: no XIPU credentials are set, so answers come from the built-in simulator, not XIPU.',
      simulator: simulator.apiBase,
    });
    const source: CredentialSource = {
      current: async () => credentials,
      confirm: async () => false,
      fresherThan: async () => undefined,
      replaceRejected: async () => {
        throw loginExpired('the demo simulator rejected its own token; restart the gateway');
      },
    };
    return { apiBase: simulator.apiBase, credentials: source };
  })();
  return holder[DEMO];
}
