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
  /** Its warm session pool and batched deletes (SESSION_POOL_SIZE, SESSION_DELETE_BATCH). */
  sessionPool: SessionPoolPolicy;
  /** On Vercel: the browser login uses the serverless Chromium. */
  hosted: boolean;
  /** `owned_by` in the model list (says DEMO MODE when the upstream is simulated). */
  ownedBy: string;
}

/**
 * The accounts the configuration describes (docs/accounts.md). Without XIPU_ACCOUNTS, one: the
 * default account, from the single-account variables (XJTLU_USERNAME, JM_TOKEN, …) with the
 * keys a single-account gateway always used. With it, one per entry, each with its own id and
 * credentials (a username and password log in by themselves; a jmToken and sdpSession are
 * given by hand), sharing the API base, portal, models, pacing and pool settings.
 */
export function xipuAccountSettings(config: GatewayConfig): XipuAccountSettings[] {
  const shared = {
    pacer: config.pacer,
    sessionLeaseMs: config.sessionLeaseMs,
    sessionPool: { ...SESSION_POOL_DEFAULTS, ...config.sessionPool },
    hosted: config.hosted,
    ownedBy: config.demoMode ? 'xipu (DEMO MODE: simulated upstream)' : 'xipu',
  };
  if (!config.xipuAccounts) return [{ id: DEFAULT_ACCOUNT_ID, upstream: config.xipu, login: config.login, ...shared }];
  return config.xipuAccounts.map((entry) => ({
    id: entry.id,
    upstream: { ...config.xipu, username: entry.username, password: entry.password, manualCredentials: entry.manualCredentials },
    login: { ...config.login, enabled: Boolean(entry.username && entry.password) },
    ...shared,
  }));
}

/**
 * The configuration as one account sees it: its own credentials and login in place of the
 * single-account ones, for the checks and panels written against GatewayConfig.
 */
export function accountConfig(config: GatewayConfig, account: XipuAccountSettings): GatewayConfig {
  return { ...config, xipu: account.upstream, login: account.login };
}

/** How the account's pool and delete queue behave (SESSION_POOL_SIZE, SESSION_DELETE_BATCH). */
export interface SessionPoolPolicy {
  /** Sessions kept ready (0: no pool, every chat creates its own). */
  size: number;
  /** Pending deletes that start a batched delete (1: each session is deleted after its chat). */
  deleteBatchSize: number;
  /**
   * No refill while the registry holds this many sessions (pooled, in flight, pending
   * deletes, refills): the 50-session cap minus room for the owner's browser and the heartbeat.
   */
  bound: number;
  /** A pooled session's shelf life; then it is swept and a fresh one made. */
  pooledLifetimeMs: number;
  /** A claim never takes a pooled session with less than this left of its shelf life. */
  claimMarginMs: number;
  /** A refill's placeholder lapses after this (its instance died between the calls). */
  refillLeaseMs: number;
}

/** The defaults besides the two settings (docs/session-pool.md; lib/xipu/sessions/session-pool.ts). */
export const SESSION_POOL_DEFAULTS = {
  bound: 40,
  pooledLifetimeMs: 60 * 60_000,
  claimMarginMs: 60_000,
  refillLeaseMs: 60_000,
} as const;

