import type { SimulatorOptions } from '@/lib/simulator/start-simulator';

/** `default` follows what is known of XIPU; `strict` takes the harsher side of every unknown. */
export type SimulatorProfile = 'default' | 'strict';

/**
 * What an update of a session id the account no longer has does. The real behaviour is
 * unknown (docs/xipu-protocol "Unknowns"): `error` answers `Session not found`, `new-id`
 * silently creates a new session and answers its id.
 */
export type StaleSessionUpdate = 'error' | 'new-id';

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
  tokenLifetimeSeconds: number;
  models: readonly string[];
  bannedWords: readonly string[];
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

/**
 * Fills in defaults and checks the numbers.
 *
 * @throws RangeError for a negative gap/delay, a cap below 1 or an empty model list.
 */
export function resolveSimulatorSettings(options: SimulatorOptions): SimulatorSettings {
  const settings: SimulatorSettings = {
    profile: options.profile ?? 'default',
    minGapMs: options.minGapMs ?? DEFAULT_MIN_GAP_MS,
    chunkDelayMs: options.chunkDelayMs ?? DEFAULT_CHUNK_DELAY_MS,
    sessionCap: options.sessionCap ?? DEFAULT_SESSION_CAP,
    staleSessionUpdate: options.staleSessionUpdate ?? 'error',
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS,
    models: [...(options.models ?? defaultSimulatorModels)],
    bannedWords: [...(options.bannedWords ?? defaultBannedWords)],
  };
  if (!(settings.minGapMs >= 0)) throw new RangeError('minGapMs must be ≥ 0');
  if (!(settings.chunkDelayMs >= 0)) throw new RangeError('chunkDelayMs must be ≥ 0');
  if (!Number.isInteger(settings.sessionCap) || settings.sessionCap < 1) {
    throw new RangeError('sessionCap must be an integer ≥ 1');
  }
  if (settings.models.length === 0) throw new RangeError('models must not be empty');
  return settings;
}
