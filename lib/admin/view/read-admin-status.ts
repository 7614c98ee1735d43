import type { GatewayConfig } from '@/lib/config/env';
import { accountConfig } from '@/lib/xipu/account/account-settings';
import { describeWorkers } from '@/lib/workers/describe-workers';
import { readLoginScreenshot, readLoginState } from '@/lib/xipu/credentials/credential-records';
import { primaryXipuAccount, type GatewayContext } from '@/lib/gateway/build-gateway-context';
import { readHeartbeatState } from '@/lib/xipu/keepalive/beat-heartbeat';
import { createSessionRegistry } from '@/lib/xipu/sessions/session-registry';
import type { Store } from '@/lib/store/store';
import { readReachabilityReport } from '../context/reachability-report';
import { readSweepRecord } from '@/lib/xipu/sessions/sweep-record';
import { readSessionPoolStatus } from '@/lib/xipu/sessions/session-pool';
import { readLoginProgress } from '@/lib/xipu/credentials/login-progress';
import { describeConfigurationPanel, type ConfigurationPanel } from './panels/describe-configuration-panel';
import { describeCredentialsPanel, type CredentialsPanel } from './panels/describe-credentials-panel';
import { describeHeartbeatPanel, type HeartbeatPanel } from './panels/describe-heartbeat-panel';
import { describeKeysPanel, readKeysPanelSource, type KeysPanel } from './panels/describe-keys-panel';
import { describeLoginPanel, type LoginPanel } from './panels/describe-login-panel';
import { describePacerPanel, type PacerPanel } from './panels/describe-pacer-panel';
import { describeProvidersPanel, readProviderSources, type ProvidersPanel } from './panels/describe-providers-panel';
import { describeReachabilityPanel, type ReachabilityPanel } from './panels/describe-reachability-panel';
import { describeSessionPoolPanel, type SessionPoolPanel } from './panels/describe-session-pool-panel';
import { describeSessionsPanel, type SessionsPanel } from './panels/describe-sessions-panel';
import { describeTrafficPanel, type RecentRequestView, type TrafficPanel } from './panels/describe-traffic-panel';
import { readKeepaliveRecord } from '@/lib/xipu/keepalive/keepalive-record';
import { readDeploymentInfo } from './read-deployment-info';
import { resolveCurrentCredentials } from '../context/resolve-current-credentials';
import { worstLevel, type StatusLevel } from './status-level';
import type { TrafficHour } from './traffic-chart';

export interface AdminPanels {
  credentials: CredentialsPanel;
  login: LoginPanel;
  heartbeat: HeartbeatPanel;
  pacer: PacerPanel;
  sessions: SessionsPanel;
  sessionPool: SessionPoolPanel;
  traffic: TrafficPanel;
  keys: KeysPanel;
  reachability: ReachabilityPanel;
  providers: ProvidersPanel;
  configuration: ConfigurationPanel;
}

export type PanelId = keyof AdminPanels;

/** The order and titles of the panels, at a glance and below. */
export const PANEL_TITLES: Record<PanelId, string> = {
  credentials: 'Upstream credentials',
  login: 'Last login',
  heartbeat: 'Heartbeat',
  pacer: 'Pacer',
  sessions: 'Sessions',
  sessionPool: 'Session pool',
  traffic: 'Traffic',
  keys: 'Client keys',
  reachability: 'Reachability',
  providers: 'Providers',
  configuration: 'Configuration',
};

export interface HealthCheckView {
  id: string;
  level: StatusLevel;
  reason: string;
}

export interface AdminStatus {
  generatedAt: number;
  overall: { level: StatusLevel; reason: string; checks?: HealthCheckView[] };
  panels: AdminPanels;
  /**
   * The XIPU account the account panels (credentials to session pool) describe, and every
   * account with its health when there are several (XIPU_ACCOUNTS): the page switches with
   * `?account=<id>`.
   */
  accounts: { selected: string; list: Array<{ id: string; level: StatusLevel; reason: string }> };
  /** Store reads that failed (the store unreachable, say): the panels show what could be read. */
  problems: string[];
}

/** Where traffic and the overall health come from (lib/metrics, lib/health); absent = not recorded. */
export interface AdminStatusSources {
  readTraffic?: (store: Store, now: number) => Promise<{ recent: RecentRequestView[]; series: TrafficHour[]; recentWaitsMs?: number[] }>;
  computeHealth?: (input: { config: GatewayConfig; store: Store; now: number }) => Promise<{
    level: StatusLevel;
    reason: string;
    checks: HealthCheckView[];
    /** Each account's verdict, with several accounts. */
    accounts?: Array<{ id: string; level: StatusLevel; reason: string }>;
  }>;
}

/**
 * Everything the admin page shows, read from the store in parallel and judged panel by
 * panel. Read-only: costs the XIPU account nothing. A failed read leaves its panel with what
 * it knows and adds a line to `problems`.
 */
export async function readAdminStatus(input: { config: GatewayConfig; context: GatewayContext; now: number; accountId?: string; sources?: AdminStatusSources }): Promise<AdminStatus> {
  const { config, context, now } = input;
  const store = context.store;
  // An id no account has (an old bookmark) shows the first account rather than an error page.
  const account = context.xipuAccounts.find((candidate) => candidate.settings.id === input.accountId) ?? primaryXipuAccount(context);
  const problems: string[] = [];
  const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  // The account panels judge the selected account's own credentials and login (XIPU_ACCOUNTS).
  const forAccount = accountConfig(config, account.settings);
  const registry = createSessionRegistry(account, () => now, account.settings.sessionLeaseMs);

  const poolPolicy = account.settings.sessionPool;
  // Three commands whatever the number of keys (one without managed keys): docs/keys.md "The keys panel".
  const keysRead = attempt('client keys', () => readKeysPanelSource(store, now));

  const [credentials, loginState, progress, heartbeat, keepalive, schedule, records, sweep, pool, reachability, traffic, health, providers, workers] = await Promise.all([
    attempt('credentials', () => resolveCurrentCredentials(forAccount, account)),
    attempt('login state', () => readLoginState(account)),
    attempt('login progress', () => readLoginProgress(account, now)),
    attempt('heartbeat', () => readHeartbeatState(account)),
    attempt('keep-alive record', () => readKeepaliveRecord(account)),
    attempt('pacer schedule', () => account.pacer.earliestStart()),
    attempt('session registry', () => registry.list()),
    attempt('sweep record', () => readSweepRecord(account)),
    // Two commands (the registry again, and the pool's totals).
    attempt('session pool', () => readSessionPoolStatus(account, poolPolicy, now)),
    attempt('reachability', () => readReachabilityReport(store)),
    input.sources?.readTraffic ? attempt('traffic', () => input.sources!.readTraffic!(store, now)) : Promise.resolve(undefined),
    input.sources?.computeHealth ? attempt('health', () => input.sources!.computeHealth!({ config, store, now })) : Promise.resolve(undefined),
    attempt('providers', () => readProviderSources(context.providers.sources)),
    // Two commands, only with the registry on.
    config.workerSecret ? attempt('workers', () => describeWorkers(store, now)) : Promise.resolve(undefined),
  ]);
  const keys = await keysRead;
  // The screenshot is up to ~200 KB: read only when the last login failed and may have one.
  const screenshotAvailable =
    loginState?.outcome === 'failure' ? Boolean(await attempt('login screenshot', () => readLoginScreenshot(account))) : false;

  const credentialsUsable = credentials !== undefined && (credentials.expiresAt === undefined || credentials.expiresAt > now);
  const panels: AdminPanels = {
    credentials: describeCredentialsPanel({ config: forAccount, credentials, lastHeartbeatAt: heartbeat?.at, now }),
    login: describeLoginPanel({ config: forAccount, state: loginState, progress, screenshotAvailable, credentialsUsable, now }),
    heartbeat: describeHeartbeatPanel({ state: heartbeat, keepalive, now }),
    pacer: describePacerPanel({ config, start: schedule ?? { waitMs: 0 }, recentWaitsMs: traffic?.recentWaitsMs, now }),
    sessions: describeSessionsPanel({ records: records ?? [], sweep, leaseMs: config.sessionLeaseMs, deleteBatchSize: poolPolicy.deleteBatchSize, now }),
    sessionPool: describeSessionPoolPanel({ status: pool, policy: poolPolicy, now }),
    traffic: describeTrafficPanel({
      recent: traffic?.recent,
      series: traffic?.series,
      problem: input.sources?.readTraffic && !traffic ? 'Traffic could not be read from the store.' : undefined,
    }),
    keys: describeKeysPanel({ source: keys, config, now }),
    reachability: describeReachabilityPanel({ report: reachability, now }),
    providers: describeProvidersPanel(providers, traffic?.recent, workers),
    configuration: describeConfigurationPanel({ config, storeBackend: store.backend, deployment: readDeploymentInfo(config.deployedCommit), keepalive, now }),
  };

  const accountHealth = new Map((health?.accounts ?? []).map((entry) => [entry.id, entry]));
  const accounts = {
    selected: account.settings.id,
    list: context.xipuAccounts.map(({ settings: { id } }) => accountHealth.get(id) ?? { id, level: 'unknown' as const, reason: 'not checked' }),
  };
  const overall = health ? { level: health.level, reason: health.reason, checks: health.checks } : summarize(panels, problems);
  return { generatedAt: now, overall, panels, accounts, problems };
}

/** The worst panel decides; its reasons say why. */
function summarize(panels: AdminPanels, problems: string[]): AdminStatus['overall'] {
  if (problems.length > 0) return { level: 'red', reason: `The store did not answer every read: ${problems[0]}` };
  const entries = Object.entries(panels) as Array<[PanelId, AdminPanels[PanelId]]>;
  const level = worstLevel(entries.map(([, panel]) => panel.level).filter((candidate) => candidate !== 'unknown'));
  if (level === 'green') return { level, reason: 'Everything the gateway can see is working.' };
  const worst = entries.filter(([, panel]) => panel.level === level).map(([id]) => PANEL_TITLES[id]);
  return { level, reason: `${level === 'red' ? 'Not working' : 'Working, but check'}: ${worst.join(', ')}.` };
}
