import type { DelSessionUnknownIds, SimulatorOptions, SimulatorProfile, StaleSessionUpdate } from '@/simulator/simulator-options';

/** The simulated login portal and its SSO — docs/xipu-protocol "Login". */
export interface PortalSettings {
  /** The one account the SSO accepts; the credentials its logins mint belong to it. */
  username: string;
  password: string;
  /** The SSO server's port (0: a free one). */
  ssoPort: number;
  /** How long after the chat's textarea appears the page sends its token-bearing XHR. */
  tokenXhrDelayMs: number;
}

/** The simulator's behaviour; the fields marked live can change at run time (`/__sim/options`). */
export interface SimulatorSettings {
  /** Live. */
  profile: SimulatorProfile;
  /** Live. Per-account minimum gap between calls. */
  minGapMs: number;
  /** Live. */
  chunkDelayMs: number;
  /** Live. */
  sessionCap: number;
  /** Live. */
  staleSessionUpdate: StaleSessionUpdate;
  /** Live. */
  delSessionUnknownIds: DelSessionUnknownIds;
  tokenLifetimeSeconds: number;
  models: readonly string[];
  bannedWords: readonly string[];
  portal: PortalSettings;
  /**
   * Unknown profile (docs/xipu-protocol "Unknowns"): an sdp-app-session unused for longer than
   * this is dead for good. Null: sessions never expire when idle.
   */
  sdpSessionIdleMs: number | null;
}

/** The models the ancestor adapter hard-coded — docs/xipu-protocol "Models". */
export const defaultSimulatorModels: readonly string[] = [
  'DeepSeek-R1',
  'DeepseekR1联网',
  'qwen-2.5-72b',
  'gpt-4.1-nano',
  'gpt-4.1',
  'o1-mini',
  'o3-mini',
  'gpt-o3',
  'o4-mini',
  'gemini-2.5-pro-exp-03-25',
  'claude-3-7-sonnet-20250219',
];

/** Words the simulated school filter refuses (answered with an empty stream). */
export const defaultBannedWords: readonly string[] = ['forbiddenword', '禁词'];

/** "About one second between consecutive calls was always safe" — docs/xipu-protocol §3. */
const DEFAULT_MIN_GAP_MS = 1000;
/** The cap the adapter met — docs/xipu-protocol §4. */
const DEFAULT_SESSION_CAP = 50;
const DEFAULT_CHUNK_DELAY_MS = 3;
/** The real lifetime is unknown (docs/xipu-protocol §5); an hour keeps demo runs simple. */
const DEFAULT_TOKEN_LIFETIME_SECONDS = 3600;

/** The simulated SSO's account: simulator-only values, never a real login. */
const DEFAULT_PORTAL_USERNAME = 'student';
const DEFAULT_PORTAL_PASSWORD = 'correct-horse-battery';
/** Long enough that a login must wait for the XHR after the textarea shows, as on the real page. */
const DEFAULT_TOKEN_XHR_DELAY_MS = 300;
const MAX_PORT = 65_535;

/**
 * Fills in defaults and checks the numbers.
 *
 * @throws RangeError for a negative gap/delay/idle time, a cap below 1, an empty model list,
 *   an empty portal username or an invalid SSO port.
 */
export function resolveSimulatorSettings(options: SimulatorOptions): SimulatorSettings {
  const settings: SimulatorSettings = {
    profile: options.profile ?? 'default',
    minGapMs: options.minGapMs ?? DEFAULT_MIN_GAP_MS,
    chunkDelayMs: options.chunkDelayMs ?? DEFAULT_CHUNK_DELAY_MS,
    sessionCap: options.sessionCap ?? DEFAULT_SESSION_CAP,
    staleSessionUpdate: options.staleSessionUpdate ?? 'error',
    delSessionUnknownIds: options.delSessionUnknownIds ?? 'ignore',
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
    models: [...(options.models ?? defaultSimulatorModels)],
    bannedWords: [...(options.bannedWords ?? defaultBannedWords)],
    portal: {
      username: options.portal?.username ?? DEFAULT_PORTAL_USERNAME,
      password: options.portal?.password ?? DEFAULT_PORTAL_PASSWORD,
      ssoPort: options.portal?.ssoPort ?? 0,
      tokenXhrDelayMs: options.portal?.tokenXhrDelayMs ?? DEFAULT_TOKEN_XHR_DELAY_MS,
    },
    sdpSessionIdleMs: options.sdpSessionIdleMs ?? null,
  };
  if (!(settings.minGapMs >= 0)) throw new RangeError('minGapMs must be ≥ 0');
  if (!(settings.chunkDelayMs >= 0)) throw new RangeError('chunkDelayMs must be ≥ 0');
  if (!Number.isInteger(settings.sessionCap) || settings.sessionCap < 1) {
    throw new RangeError('sessionCap must be an integer ≥ 1');
  }
  if (settings.models.length === 0) throw new RangeError('models must not be empty');
  const { portal } = settings;
  if (portal.username === '') throw new RangeError('portal.username must not be empty');
  if (!Number.isInteger(portal.ssoPort) || portal.ssoPort < 0 || portal.ssoPort > MAX_PORT) {
    throw new RangeError(`portal.ssoPort must be an integer in [0, ${MAX_PORT}]`);
  }
  if (!(portal.tokenXhrDelayMs >= 0)) throw new RangeError('portal.tokenXhrDelayMs must be ≥ 0');
  if (settings.sdpSessionIdleMs !== null && !(settings.sdpSessionIdleMs >= 0)) throw new RangeError('sdpSessionIdleMs must be ≥ 0');
  return settings;
}
