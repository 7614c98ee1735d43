import type { GatewayConfig } from '@/lib/config/env';
import { refreshMarginMs } from '@/lib/xipu/credentials/refresh-margin';
import type { CredentialOrigin, StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import { formatDuration } from '../format-time';
import { maskSecret } from '../mask-secret';
import type { PanelState } from '../status-level';

export interface CredentialsPanel extends PanelState {
  present: boolean;
  source?: CredentialOrigin;
  sourceLabel?: string;
  maskedToken?: string;
  maskedSession?: string;
  issuedAt?: number;
  expiresAt?: number;
  obtainedAt?: number;
  /** The last heartbeat: the last time XIPU accepted a token of this gateway without a chat. */
  lastHeartbeatAt?: number;
  /** Whether that heartbeat used this pair (it came after the pair was obtained or issued). */
  heartbeatUsedThisPair: boolean;
  loginEnabled: boolean;
}

export const CREDENTIAL_SOURCE_LABELS: Record<CredentialOrigin, string> = {
  login: 'automatic login',
  manual: 'pasted by hand on this page',
  env: 'JM_TOKEN / SDP_SESSION in the environment',
  demo: 'demo simulator',
};

/** Below this, a pair that nothing refreshes gets an amber warning. */
const EXPIRY_WARNING_MS = 24 * 3_600_000;

/** The upstream credentials requests use now, and whether they will keep working. */
export function describeCredentialsPanel(input: {
  config: GatewayConfig;
  credentials?: StoredCredentials;
  lastHeartbeatAt?: number;
  now: number;
}): CredentialsPanel {
  const { config, credentials, now } = input;
  const loginEnabled = config.login.enabled;
  if (!credentials) {
    return {
      level: 'red',
      reason: loginEnabled ? 'No XIPU credentials yet: the next request (or "Log in now") logs in.' : 'No XIPU credentials: set JM_TOKEN and SDP_SESSION, or paste a pair below.',
      present: false,
      loginEnabled,
      heartbeatUsedThisPair: false,
    };
  }
  const base = {
    present: true,
    source: credentials.origin,
    sourceLabel: CREDENTIAL_SOURCE_LABELS[credentials.origin],
    maskedToken: maskSecret(credentials.jmToken),
    maskedSession: maskSecret(credentials.sdpSession),
    issuedAt: credentials.issuedAt,
    expiresAt: credentials.expiresAt,
    obtainedAt: credentials.obtainedAt,
    lastHeartbeatAt: input.lastHeartbeatAt,
    heartbeatUsedThisPair: input.lastHeartbeatAt !== undefined && input.lastHeartbeatAt >= (credentials.obtainedAt ?? credentials.issuedAt ?? 0),
    loginEnabled,
  };
  const source = CREDENTIAL_SOURCE_LABELS[credentials.origin];
  if (credentials.expiresAt === undefined) return { ...base, level: 'green', reason: `Present (${source}); the token is not a JWT, so its expiry is unknown.` };
  const left = credentials.expiresAt - now;
  if (left <= 0) {
    return {
      ...base,
      level: 'red',
      reason: `Expired ${formatDuration(-left)} ago (${source}).${loginEnabled ? ' The next request logs in.' : ' Paste a fresh pair, or set XJTLU_USERNAME/XJTLU_PASSWORD.'}`,
    };
  }
  const refreshDue = loginEnabled && left <= refreshMarginMs(config.login.refreshMarginMs, credentials);
  if (refreshDue) return { ...base, level: 'amber', reason: `Expires in ${formatDuration(left)}; a refresh login is due (${source}).` };
  if (!loginEnabled && credentials.origin !== 'demo' && left <= EXPIRY_WARNING_MS) {
    return { ...base, level: 'amber', reason: `Expires in ${formatDuration(left)} and nothing refreshes it: paste a fresh pair before then (${source}).` };
  }
  return { ...base, level: 'green', reason: `Valid for ${formatDuration(left)} (${source}).` };
}
