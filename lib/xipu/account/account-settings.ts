import type { GatewayConfig } from '@/lib/config/env';
import { DEFAULT_ACCOUNT_ID } from './account-keys';

/**
 * What one XIPU account is made of, from the configuration: where its upstream is, how it
 * logs in, how its calls are paced, how long its sessions' leases last. Several accounts are
 * several of these (createXipuAccount makes each a value of its own).
 */
export interface XipuAccountSettings {
  id: string;
  /** API base, portal, models, credentials given by hand, timeouts, think tags. */
  upstream: GatewayConfig['xipu'];
  login: GatewayConfig['login'];
  /** The account's own call schedule (XIPU limits each account). */
  pacer: GatewayConfig['pacer'];
  sessionLeaseMs: number;
  /** On Vercel: the browser login uses the serverless Chromium. */
  hosted: boolean;
  /** `owned_by` in the model list (says DEMO MODE when the upstream is simulated). */
  ownedBy: string;
}

/**
 * The accounts the configuration describes: today one, the default account, from the
 * single-account variables (XJTLU_USERNAME, JM_TOKEN, XIPU_API_BASE, UPSTREAM_MIN_GAP_MS, …).
 */
export function xipuAccountSettings(config: GatewayConfig): XipuAccountSettings[] {
  return [
    {
      id: DEFAULT_ACCOUNT_ID,
      upstream: config.xipu,
      login: config.login,
      pacer: config.pacer,
      sessionLeaseMs: config.sessionLeaseMs,
      hosted: config.hosted,
      ownedBy: config.demoMode ? 'xipu (DEMO MODE: simulated upstream)' : 'xipu',
    },
  ];
}
