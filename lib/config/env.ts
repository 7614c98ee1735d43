import { z } from 'zod';
import { findPrefixedUpstashVariable } from './find-prefixed-upstash-variable';
import { BUILT_IN_MODEL_ALIASES, parseModelAliases, type ModelAlias } from './model-aliases';
import { parseUpstreams, parseXipuAccounts, type UpstreamEntry, type XipuAccountEntry } from './provider-entries';

/**
 * The environment, parsed once with zod. Nothing else reads `process.env`.
 *
 * Vercel has no start-up step and the build must not depend on runtime variables, so a bad
 * value does not throw at import: `loadConfig()` returns it as a ConfigProblem and every
 * route answers 503 naming the variable (lib/http/gateway-route.ts); `next start` prints it
 * at once (instrumentation.ts).
 */

/** The models the ancestor adapter hard-coded (docs/xipu-protocol.md "Models"). */
export const BUILT_IN_XIPU_MODELS = [
  'gpt-4.1',
  'gpt-4.1-nano',
  'gpt-o3',
  'o3-mini',
  'o4-mini',
  'o1-mini',
  'claude-3-7-sonnet-20250219',
  'gemini-2.5-pro-exp-03-25',
  'DeepSeek-R1',
  'DeepseekR1联网',
  'qwen-2.5-72b',
] as const;

/** Calls a chat costs the account: saveSession, completions, delSession (docs/xipu-protocol §3). */
export const PACED_CALLS_PER_CHAT = 3;

const emptyToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const optionalText = z.preprocess(emptyToUndefined, z.string().trim().optional());

const flag = z.preprocess(
  emptyToUndefined,
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
    .optional()
    .transform((value) => value === 'true' || value === '1' || value === 'yes'),
);

const wholeNumber = (fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'expected a whole number' })
      .int({ message: 'expected a whole number' })
      .min(min, { message: `expected at least ${min}` })
      .max(max, { message: `expected at most ${max}` })
      .default(fallback),
  );

const optionalWholeNumber = (min: number, max: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ message: 'expected a whole number' })
      .int({ message: 'expected a whole number' })
      .min(min, { message: `expected at least ${min}` })
      .max(max, { message: `expected at most ${max}` })
      .optional(),
  );

const httpUrl = (fallback: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, message: 'expected an http(s) URL' })
      .default(fallback)
      .transform((value) => value.replace(/\/+$/, '')),
  );

const commaList = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    ),
);

const environmentSchema = z.object({
  XJTLU_USERNAME: optionalText,
  XJTLU_PASSWORD: optionalText,
  JM_TOKEN: optionalText,
  SDP_SESSION: optionalText,
  XIPU_API_BASE: httpUrl('https://jmapi.xjtlu.edu.cn/api/chat'),
  XIPU_PORTAL_URL: httpUrl('https://xipuai.xjtlu.edu.cn'),
  XIPU_MODELS: commaList,
  MODEL_ALIASES: optionalText,
  API_KEYS: commaList,
  ALLOW_ANONYMOUS: flag,
  UPSTASH_REDIS_REST_URL: z.preprocess(emptyToUndefined, z.url({ message: 'expected a URL' }).optional()),
  UPSTASH_REDIS_REST_TOKEN: optionalText,
  KV_REST_API_URL: z.preprocess(emptyToUndefined, z.url({ message: 'expected a URL' }).optional()),
  KV_REST_API_TOKEN: optionalText,
  UPSTREAM_MIN_GAP_MS: wholeNumber(1000, { max: 60_000 }),
  UPSTREAM_ANSWER_ALLOWANCE_MS: wholeNumber(250, { max: 60_000 }),
  PACER_MAX_WAIT_MS: wholeNumber(30_000, { min: 1_000, max: 120_000 }),
  PACER_SERIALIZE_STREAMS: flag,
  RATE_LIMIT_RPM: optionalWholeNumber(1, 100_000),
  MAX_CONCURRENT_PER_KEY: wholeNumber(16, { min: 1, max: 1_000 }),
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: wholeNumber(30_000, { min: 1_000, max: 300_000 }),
  UPSTREAM_IDLE_TIMEOUT_MS: wholeNumber(90_000, { min: 1_000, max: 300_000 }),
  MAX_REQUEST_BYTES: wholeNumber(4_000_000, { min: 1_024, max: 50_000_000 }),
  THINK_TAGS: z.preprocess(emptyToUndefined, z.enum(['split', 'pass']).default('split')),
  TOOL_CALL_TRIGGER: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, { message: 'expected 1 to 32 letters, digits, underscores or dashes' })
      .default('xg7'),
  ),
  DEMO_SIMULATOR_PORT: wholeNumber(0, { max: 65_535 }),
  CRON_SECRET: optionalText,
  ADMIN_PASSWORD: optionalText,
  VERCEL_AUTOMATION_BYPASS_SECRET: optionalText,
  VERCEL_GIT_COMMIT_SHA: optionalText,
  CHROMIUM_PATH: optionalText,
  LOGIN_REFRESH_MARGIN_MINUTES: wholeNumber(30, { min: 1, max: 24 * 60 }),
  LOGIN_WAIT_MS: wholeNumber(25_000, { min: 1_000, max: 55_000 }),
  /** Retired: accepted (any value) so old deployments keep starting; a warning says it is ignored. */
  RELOGIN_MIN_TOKEN_AGE_MS: optionalText,
  REQUEST_START_DEADLINE_MS: wholeNumber(120_000, { min: 1_000, max: 240_000 }),
  SESSION_LEASE_MS: wholeNumber(90_000, { min: 1_000, max: 600_000 }),
  SESSION_POOL_SIZE: wholeNumber(2, { max: 8 }),
  SESSION_DELETE_BATCH: wholeNumber(8, { min: 1, max: 20 }),
  RESPONSES_STORE_TTL_HOURS: wholeNumber(24, { min: 1, max: 720 }),
  XIPU_ACCOUNTS: optionalText,
  UPSTREAMS: optionalText,
  WORKER_SECRET: optionalText,
  MOCK_MODEL: flag,
  AICHATS_ENABLED: flag,
  AICHATS_BASE_URL: httpUrl('https://ai-chats.org'),
  VERCEL: optionalText,
});

export interface ClientKey {
  /** Shown in logs and on the admin page instead of the key. */
  name: string;
  key: string;
}

export interface GatewayConfig {
  /** Running on Vercel: refuses what only works for a single local process. */
  hosted: boolean;
  /** No XIPU credentials and not hosted: the gateway serves a simulated upstream. */
  demoMode: boolean;
  xipu: {
    apiBase: string;
    portalUrl: string;
    models: string[];
    username?: string;
    password?: string;
    /** Credentials given by hand (JM_TOKEN + SDP_SESSION). */
    manualCredentials?: { jmToken: string; sdpSession: string };
    firstByteTimeoutMs: number;
    idleTimeoutMs: number;
    thinkTags: 'split' | 'pass';
  };
  upstash?: { url: string; token: string };
  /** Without Upstash: a set `<PREFIX>_KV_REST_API_URL`-like variable (a store connected with a prefix), named in the 503. */
  prefixedUpstashVariable?: string;
  login: {
    /** Both XJTLU_USERNAME and XJTLU_PASSWORD set: the gateway logs in by itself. */
    enabled: boolean;
    chromiumPath?: string;
    /** Refresh this long before expiry (capped at a third of the token's lifetime). */
    refreshMarginMs: number;
    /** Longest a request waits for a login before answering 503 with Retry-After. */
    waitMs: number;
  };
  /**
   * Longest a chat may take to start its answer (credentials, turns in the schedule, retries)
   * before it answers 503 `upstream_start_timeout`: well inside the route's limit, so its
   * cleanup still runs.
   */
  requestStartDeadlineMs: number;
  /** Variables that are set but no longer mean anything, with what to do: said at start. */
  retiredVariables: string[];
  /** Bearer secret of the cron and login routes (Vercel sends it to crons). */
  cronSecret?: string;
  /** Signs in to /admin; hosted without it the admin page shows only how to set it. */
  adminPassword?: string;
  /** Vercel's "Protection Bypass for Automation" secret, so the gateway can reach its own login route. */
  vercelProtectionBypass?: string;
  /** The commit Vercel built (VERCEL_GIT_COMMIT_SHA), shown on the admin page. */
  deployedCommit?: string;
  /** A session's lease: renewed while it streams; anyone may sweep it once it lapses. */
  sessionLeaseMs: number;
  /**
   * The warm session pool (SESSION_POOL_SIZE sessions made ahead, 0 for none) and the batched
   * deletes (SESSION_DELETE_BATCH used sessions per delSession call): docs/session-pool.md.
   */
  sessionPool: { size: number; deleteBatchSize: number };
  /** How long a stored Responses answer stays readable (`previous_response_id`, GET /v1/responses/{id}). */
  responsesStoreTtlMs: number;
  clientKeys: ClientKey[];
  allowAnonymous: boolean;
  pacer: { gapMs: number; allowanceMs: number; maxWaitMs: number; serializeStreams: boolean };
  limits: { requestsPerMinute: number; maxConcurrentPerKey: number; maxRequestBytes: number };
  demoSimulatorPort: number;
  /** MODEL_ALIASES then the built-in ones: the first match wins (./model-aliases.ts). */
  modelAliases: ModelAlias[];
  /**
   * XIPU_ACCOUNTS, when set: several accounts, each with its own credentials, schedule and
   * sessions. Absent: the single-account variables form the default account, as before.
   */
  xipuAccounts?: XipuAccountEntry[];
  /** UPSTREAMS: OpenAI-compatible upstreams served behind the same API ([] = none). */
  upstreams: UpstreamEntry[];
  /** WORKER_SECRET: the bearer of the worker registry's routes; unset = the registry is off (503). */
  workerSecret?: string;
  /** MOCK_MODEL (on in demo mode): the `mock` model, answered without an upstream call. */
  mockModel: boolean;
  /** AICHATS_ENABLED, AICHATS_BASE_URL: ai-chats.org's `gpt-4o`, best effort. */
  aichats: { enabled: boolean; baseUrl: string };
  tools: {
    /**
     * The word in the opening tag of an emulated tool-call block (docs/tool-calls.md "The text
     * format"). One per deployment, so the calls folded back into a history match the ones the
     * model writes; an answer that shows the format without it stays text.
     */
    trigger: string;
  };
}

export type ConfigResult = { ok: true; config: GatewayConfig } | { ok: false; problem: ConfigProblem };

export interface ConfigProblem {
  /** The variable at fault, for the 503 message. */
  variable: string;
  message: string;
}

/**
 * Parses an environment into the gateway's configuration. Pure: tests pass their own
 * record. Messages name the variable and never echo its value (it may be a secret).
 */
export function parseConfig(environment: Record<string, string | undefined>): ConfigResult {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    return { ok: false, problem: { variable, message: `${variable}: ${issue?.message ?? 'invalid value'}` } };
  }
  const values = parsed.data;

  const pairProblem =
    checkPair('JM_TOKEN', values.JM_TOKEN, 'SDP_SESSION', values.SDP_SESSION) ??
    checkPair('XJTLU_USERNAME', values.XJTLU_USERNAME, 'XJTLU_PASSWORD', values.XJTLU_PASSWORD) ??
    checkPair('UPSTASH_REDIS_REST_URL', values.UPSTASH_REDIS_REST_URL, 'UPSTASH_REDIS_REST_TOKEN', values.UPSTASH_REDIS_REST_TOKEN) ??
    checkPair('KV_REST_API_URL', values.KV_REST_API_URL, 'KV_REST_API_TOKEN', values.KV_REST_API_TOKEN);
  if (pairProblem) return { ok: false, problem: pairProblem };

  const clientKeys: ClientKey[] = [];
  for (const entry of values.API_KEYS) {
    const separator = entry.indexOf(':');
    const name = separator > 0 ? entry.slice(0, separator).trim() : '';
    const key = separator > 0 ? entry.slice(separator + 1).trim() : entry;
    if (key.length < 8) {
      return { ok: false, problem: { variable: 'API_KEYS', message: 'API_KEYS: every key must be at least 8 characters' } };
    }
    clientKeys.push({ name: name || maskKey(key), key });
  }

  const aliases = parseModelAliases(values.MODEL_ALIASES ?? '');
  if (!aliases.ok) return { ok: false, problem: { variable: 'MODEL_ALIASES', message: `MODEL_ALIASES: ${aliases.message}` } };

  const xipuAccounts = values.XIPU_ACCOUNTS === undefined ? undefined : parseXipuAccounts(values.XIPU_ACCOUNTS);
  if (xipuAccounts && !xipuAccounts.ok) return { ok: false, problem: { variable: 'XIPU_ACCOUNTS', message: xipuAccounts.message } };
  const upstreams = values.UPSTREAMS === undefined ? undefined : parseUpstreams(values.UPSTREAMS);
  if (upstreams && !upstreams.ok) return { ok: false, problem: { variable: 'UPSTREAMS', message: upstreams.message } };

  const hosted = values.VERCEL !== undefined;
  const manualCredentials =
    values.JM_TOKEN && values.SDP_SESSION ? { jmToken: values.JM_TOKEN, sdpSession: values.SDP_SESSION } : undefined;
  const upstashUrl = values.UPSTASH_REDIS_REST_URL ?? values.KV_REST_API_URL;
  const upstashToken = values.UPSTASH_REDIS_REST_TOKEN ?? values.KV_REST_API_TOKEN;
  const gapMs = values.UPSTREAM_MIN_GAP_MS;

  return {
    ok: true,
    config: {
      hosted,
      demoMode: !hosted && !manualCredentials && !values.XJTLU_USERNAME && !xipuAccounts,
      xipu: {
        apiBase: values.XIPU_API_BASE,
        portalUrl: values.XIPU_PORTAL_URL,
        models: values.XIPU_MODELS.length > 0 ? values.XIPU_MODELS : [...BUILT_IN_XIPU_MODELS],
        username: values.XJTLU_USERNAME,
        password: values.XJTLU_PASSWORD,
        manualCredentials,
        firstByteTimeoutMs: values.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
        idleTimeoutMs: values.UPSTREAM_IDLE_TIMEOUT_MS,
        thinkTags: values.THINK_TAGS,
      },
      upstash: upstashUrl && upstashToken ? { url: upstashUrl, token: upstashToken } : undefined,
      prefixedUpstashVariable: upstashUrl && upstashToken ? undefined : findPrefixedUpstashVariable(environment),
      login: {
        enabled: Boolean(values.XJTLU_USERNAME && values.XJTLU_PASSWORD),
        chromiumPath: values.CHROMIUM_PATH,
        refreshMarginMs: values.LOGIN_REFRESH_MARGIN_MINUTES * 60_000,
        waitMs: values.LOGIN_WAIT_MS,
      },
      requestStartDeadlineMs: values.REQUEST_START_DEADLINE_MS,
      retiredVariables: retiredVariablesSet(values),
      cronSecret: values.CRON_SECRET,
      adminPassword: values.ADMIN_PASSWORD,
      vercelProtectionBypass: values.VERCEL_AUTOMATION_BYPASS_SECRET,
      deployedCommit: values.VERCEL_GIT_COMMIT_SHA,
      sessionLeaseMs: values.SESSION_LEASE_MS,
      sessionPool: { size: values.SESSION_POOL_SIZE, deleteBatchSize: values.SESSION_DELETE_BATCH },
      responsesStoreTtlMs: values.RESPONSES_STORE_TTL_HOURS * 3_600_000,
      clientKeys,
      allowAnonymous: values.ALLOW_ANONYMOUS,
      pacer: {
        gapMs,
        allowanceMs: values.UPSTREAM_ANSWER_ALLOWANCE_MS,
        maxWaitMs: values.PACER_MAX_WAIT_MS,
        serializeStreams: values.PACER_SERIALIZE_STREAMS,
      },
      limits: {
        // The account serves about 60 s ÷ (calls per chat × gap) chats a minute; one key
        // gets at most that by default.
        requestsPerMinute: values.RATE_LIMIT_RPM ?? Math.max(1, Math.floor(60_000 / (PACED_CALLS_PER_CHAT * Math.max(gapMs, 100)))),
        maxConcurrentPerKey: values.MAX_CONCURRENT_PER_KEY,
        maxRequestBytes: values.MAX_REQUEST_BYTES,
      },
      demoSimulatorPort: values.DEMO_SIMULATOR_PORT,
      modelAliases: [...aliases.aliases, ...BUILT_IN_MODEL_ALIASES],
      tools: { trigger: values.TOOL_CALL_TRIGGER },
      xipuAccounts: xipuAccounts?.entries,
      upstreams: upstreams?.entries ?? [],
      workerSecret: values.WORKER_SECRET,
      mockModel: values.MOCK_MODEL || (!hosted && !manualCredentials && !values.XJTLU_USERNAME && !xipuAccounts),
      aichats: { enabled: values.AICHATS_ENABLED, baseUrl: values.AICHATS_BASE_URL },
    },
  };
}

/** Old variables a deployment may still carry: they are ignored, and the start-up log says so. */
function retiredVariablesSet(values: { RELOGIN_MIN_TOKEN_AGE_MS?: string }): string[] {
  const retired: string[] = [];
  if (values.RELOGIN_MIN_TOKEN_AGE_MS !== undefined) {
    retired.push(
      'RELOGIN_MIN_TOKEN_AGE_MS is ignored and can be removed: a token XIPU rejects after it served a call now always gets one new login, and one rejected before it ever worked backs off',
    );
  }
  return retired;
}

function checkPair(firstName: string, first: unknown, secondName: string, second: unknown): ConfigProblem | undefined {
  if (Boolean(first) === Boolean(second)) return undefined;
  const missing = first ? secondName : firstName;
  const present = first ? firstName : secondName;
  return { variable: missing, message: `${missing}: required when ${present} is set` };
}

/** `sk-live-abcdef123` → `sk-l…123`: enough to recognise a key, not to use it. */
export function maskKey(key: string): string {
  if (key.length <= 8) return '…';
  return `${key.slice(0, 4)}…${key.slice(-3)}`;
}

const CACHE = Symbol.for('xipu-gateway.config');
type ConfigCache = { [CACHE]?: ConfigResult };

/** The process environment's configuration, parsed once per process. */
export function loadConfig(): ConfigResult {
  const cache = globalThis as ConfigCache;
  cache[CACHE] ??= parseConfig(process.env);
  return cache[CACHE];
}
