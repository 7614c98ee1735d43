import type { GatewayConfig } from '@/lib/config/env';
import { formatRelative } from '../format-time';
import type { DeploymentInfo } from '../read-deployment-info';
import { worstLevel, type PanelState, type StatusLevel } from '../status-level';
import type { KeepaliveRecord } from '@/lib/xipu/keepalive/keepalive-record';

/** One line of the configuration table: a setting, its state in words (never its value), and why it matters. */
export interface ConfigurationItem {
  name: string;
  level: StatusLevel;
  value: string;
  note?: string;
}

export interface ConfigurationPanel extends PanelState {
  items: ConfigurationItem[];
  deployment: DeploymentInfo;
  keepalive?: KeepaliveRecord;
}

/** A password shorter than this is easy to guess offline from a stolen cookie's signature. */
export const ADMIN_PASSWORD_MIN_LENGTH = 12;
/** The daily cron plus slack: a run older than this means the cron is not running. */
const KEEPALIVE_STALE_MS = 26 * 3_600_000;

/** How the deployment is set up: which settings are present (never their values) and what that means. */
export function describeConfigurationPanel(input: {
  config: GatewayConfig;
  storeBackend: 'upstash' | 'memory';
  deployment: DeploymentInfo;
  keepalive?: KeepaliveRecord;
  now: number;
}): ConfigurationPanel {
  const { config, deployment, keepalive, now } = input;
  const items: ConfigurationItem[] = [];

  items.push(
    input.storeBackend === 'upstash'
      ? { name: 'Store', level: 'green', value: 'Upstash Redis', note: 'Shared by every instance: one schedule, one set of limits.' }
      : config.hosted
        ? { name: 'Store', level: 'red', value: 'memory — refused', note: 'Hosted, serverless instances share nothing: pacing, limits and cleanup would be fiction. Add Upstash Redis.' }
        : { name: 'Store', level: 'green', value: 'memory (this process)', note: 'Fine for one local process; a hosted deployment refuses it (serverless instances share nothing).' },
  );

  const keyNames = config.clientKeys.map((key) => key.name).join(', ');
  items.push(
    config.clientKeys.length > 0
      ? { name: 'API_KEYS', level: 'green', value: `set: ${config.clientKeys.length} key(s)`, note: `Names: ${keyNames}.` }
      : config.hosted
        ? config.allowAnonymous
          ? { name: 'API_KEYS', level: 'amber', value: 'not set (ALLOW_ANONYMOUS=true)', note: 'Anyone who finds the URL can use the XIPU account.' }
          : { name: 'API_KEYS', level: 'red', value: 'not set', note: 'The API answers 401 to everyone until keys are set.' }
        : { name: 'API_KEYS', level: 'amber', value: 'not set', note: 'Anyone who can reach this port may use the API.' },
  );

  items.push(
    config.cronSecret
      ? { name: 'CRON_SECRET', level: 'green', value: 'set', note: 'Guards the keep-alive and login routes.' }
      : config.hosted
        ? { name: 'CRON_SECRET', level: 'red', value: 'not set', note: 'The keep-alive cron and the login route refuse to run.' }
        : { name: 'CRON_SECRET', level: 'green', value: 'not set (a random secret of this process is used)', note: 'Locally the gateway reaches its own login route with it.' },
  );

  const password = config.adminPassword;
  items.push(
    !password
      ? { name: 'ADMIN_PASSWORD', level: 'amber', value: 'not set', note: 'This page is open to anyone who reaches the port.' }
      : password.length < ADMIN_PASSWORD_MIN_LENGTH
        ? { name: 'ADMIN_PASSWORD', level: 'amber', value: `set, shorter than ${ADMIN_PASSWORD_MIN_LENGTH} characters`, note: 'Use a long random value.' }
        : { name: 'ADMIN_PASSWORD', level: 'green', value: 'set', note: 'Changing it signs every session out.' },
  );

  items.push(
    config.login.enabled
      ? { name: 'XJTLU_USERNAME / XJTLU_PASSWORD', level: 'green', value: 'set', note: 'The gateway logs in by itself when the token nears expiry.' }
      : { name: 'XJTLU_USERNAME / XJTLU_PASSWORD', level: config.demoMode ? 'green' : 'amber', value: 'not set', note: 'No automatic login: credentials are pasted by hand.' },
  );
  items.push({ name: 'JM_TOKEN / SDP_SESSION', level: 'green', value: config.xipu.manualCredentials ? 'set' : 'not set' });
  if (config.xipuAccounts) {
    items.push({ name: 'XIPU_ACCOUNTS', level: 'green', value: `set: ${config.xipuAccounts.length} account(s)`, note: `Ids: ${config.xipuAccounts.map((entry) => entry.id).join(', ')}. The single-account credential variables are not used.` });
  }
  items.push(
    config.demoMode
      ? { name: 'Demo mode', level: 'amber', value: 'on', note: 'Answers come from the built-in simulator, not XIPU.' }
      : { name: 'Demo mode', level: 'green', value: 'off' },
  );

  const cron = deployment.crons.find((candidate) => candidate.path === '/api/cron/keepalive');
  const lastRun = keepalive ? `last run ${formatRelative(keepalive.at, now)}` : 'no run recorded';
  const cronLevel: StatusLevel = !config.hosted ? 'green' : !keepalive || now - keepalive.at > KEEPALIVE_STALE_MS ? 'amber' : 'green';
  items.push({
    name: 'Keep-alive cron',
    level: cronLevel,
    value: cron ? `${cron.schedule} (${cron.description}); ${lastRun}` : `not in vercel.json; ${lastRun}`,
    note: config.hosted ? 'Vercel runs it; it beats the heartbeat, refreshes the login and sweeps.' : 'Vercel crons do not run locally: use the buttons on this page.',
  });

  items.push({ name: 'Version', level: 'green', value: `${deployment.version}${deployment.commit ? ` (commit ${deployment.commit})` : ''}` });
  items.push({ name: 'Hosting', level: 'green', value: config.hosted ? 'Vercel' : 'local' });

  const level = worstLevel(items.map((item) => item.level));
  const problems = items.filter((item) => item.level === level && level !== 'green').map((item) => `${item.name}: ${item.value}`);
  const reason = level === 'green' ? `${input.storeBackend === 'upstash' ? 'Upstash' : 'Memory store'}, ${config.hosted ? 'hosted' : 'local'}; everything needed is set.` : `${problems.join('; ')}.`;
  return { level, reason, items, deployment, keepalive };
}
