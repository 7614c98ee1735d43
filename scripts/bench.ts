/**
 * `npm run bench [-- --gap-ms 300 --allowance-ms 60 --requests 15 --sustained 24 --burst 12 --chunk-delay-ms 2 --tool-requests 10 --streams 200]`
 *
 * Runs the built gateway (3 × `next start`, sharing one real redis-server behind the Upstash
 * REST bridge) against the in-process XIPU simulator, side by side with a minimal client that
 * calls the simulator directly with the same credentials (scripts/bench/direct-client.ts), in
 * two phases, one set of three processes at a time:
 *   - phase 1, the pool off (SESSION_POOL_SIZE=0, SESSION_DELETE_BATCH default): every chat
 *     creates its own session as before the warm pool (its deletes are batched); sections 1–4;
 *   - phase 2, the pool on (the defaults), after the first processes stopped, Redis was
 *     emptied and the simulator reset: the pool-on column of section 5.
 * It prints:
 *   1. time to first token on an idle account: bare completions (what the model takes), the
 *      direct client (the ancestor's pattern), the gateway, and what the gateway adds;
 *   2. a burst of concurrent streams: makespan against the pacing floor, upstream 429s,
 *      failures and sessions left — and the same burst sent naively by direct clients;
 *   3. Redis commands per chat (the bridge counts them as Upstash bills), by store call;
 *   4. tools in the request (scripts/bench/tools-section.ts): time to first token and the longest
 *      hold-back against the same request without tools, and the time to a tool call;
 *   5. the warm session pool (scripts/bench/pool-section.ts): ancestor direct / pool off /
 *      pool on — time added to the first token, upstream calls and Redis commands per chat
 *      over back-to-back chats closed by a keep-alive, a burst against its floor, 429s and
 *      sessions left — against the targets of issue 11, with a verdict for each;
 *   6. one XIPU account against two (scripts/bench/accounts-section.ts): a burst's makespan,
 *      429s, chats per account, Redis commands per chat;
 *   7. the proxy's own cost with an OpenAI-compatible upstream (scripts/bench/proxy-section.ts):
 *      `--streams` (200) concurrent streams through one process against a direct client —
 *      time added to the first token p50/p95/p99, memory per stream, longest event-loop delay.
 * Every measured chat starts on a settled account (scripts/bench/account-watch.ts). Needs
 * `npx next build` first. Every process and server it starts is stopped at the end.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseConfig } from '@/lib/config/env';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { startRealRedisUpstash, type RealRedisUpstash } from '../tests/support/start-real-redis-upstash';
import { startAccountWatch, type AccountWatch } from './bench/account-watch';
import { directChat, type DirectClientOptions } from './bench/direct-client';
import { gatewayChat, type GatewayChatResult } from './bench/gateway-client';
import { startGatewayTrio, type GatewayTrio } from './bench/gateway-trio';
import {
  failures,
  gatewayBurst,
  idle,
  idleChats,
  naiveBurst,
  sustainedChats,
  totalCalls,
  ttftOf,
  type CallCounts,
  type MeasureContext,
} from './bench/measure';
import { reportAccountsSection, runAccountsSection } from './bench/accounts-section';
import { reportPoolSection, type PoolColumn } from './bench/pool-section';
import { reportProxySection, runProxySection } from './bench/proxy-section';
import { startRedisMonitor, type RedisMonitor } from './bench/redis-monitor';
import { median, ms, p95, seconds, signedMs, table } from './bench/stats';
import { BENCH_TOOL_TRIGGER, reportToolsSection, runToolsSection } from './bench/tools-section';

const ROOT = path.resolve(import.meta.dirname, '..');
const API_KEY = 'sk-bench-0123456789abcdef';
const CRON_SECRET = 'bench-cron-secret-0123456789';
const MODEL = 'gpt-4.1';
/** A deterministic reply of a few dozen pieces (simulator/generate-reply.ts). */
const PROMPT = 'SIM-LONG: 30';
/** As the gateway flattens one user message (docs/xipu-protocol §2), so both send the same text. */
const UPSTREAM_TEXT = `User:\n${PROMPT}`;
const GATEWAY_PROCESSES = 3;
/** Calls per chat without the pool's help (saveSession, completions, delSession): bounds the pacer's wait. */
const CALLS_PER_CHAT = 3;
/** The project's budget: Upstash free tier, 500K commands a month. */
const COMMANDS_PER_CHAT_AIM = 8;
const UPSTASH_FREE_COMMANDS_PER_MONTH = 500_000;

const argumentsSchema = z.object({
  'gap-ms': z.coerce.number().int().min(10).max(60_000).default(300),
  'allowance-ms': z.coerce.number().int().min(0).max(60_000).default(60),
  requests: z.coerce.number().int().min(1).max(1_000).default(15),
  sustained: z.coerce.number().int().min(1).max(1_000).default(24),
  burst: z.coerce.number().int().min(1).max(48).default(12),
  'chunk-delay-ms': z.coerce.number().int().min(0).max(1_000).default(2),
  'tool-requests': z.coerce.number().int().min(1).max(1_000).default(10),
  streams: z.coerce.number().int().min(1).max(2_000).default(200),
});

const progress = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** Everything started, stopped in reverse order — also on errors and Ctrl-C. */
const cleanups: Array<{ name: string; run: () => Promise<void> | void }> = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!;
    try {
      await cleanup.run();
    } catch (error) {
      console.error(`[bench] stopping ${cleanup.name} failed:`, error);
    }
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: Object.fromEntries(Object.keys(argumentsSchema.shape).map((name) => [name, { type: 'string' as const }])),
  });
  const parsed = argumentsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(`Invalid arguments:\n${z.prettifyError(parsed.error)}`);
    return 2;
  }
  const settings = parsed.data;

  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    console.error('No production build of the gateway (.next/BUILD_ID is missing). Build it first:\n\n  npx next build\n\nthen run `npm run bench` again.');
    return 1;
  }

  const gapMs = settings['gap-ms'];
  const allowanceMs = settings['allowance-ms'];
  const simulatorGapMs = Math.floor(gapMs * 0.8);
  const spacingMs = gapMs + allowanceMs;
  const { requests, burst, sustained } = settings;
  const benchStartedAt = performance.now();

  console.log('xipu-gateway benchmark: gateway (next start, shared real Redis via Upstash REST) vs direct XIPU client, on the simulator');
  console.log(
    `settings: gap ${gapMs} ms (UPSTREAM_MIN_GAP_MS), allowance ${allowanceMs} ms, simulator minGapMs ${simulatorGapMs} ms ` +
      `(80% of gap, default profile), chunk delay ${settings['chunk-delay-ms']} ms, requests ${requests}, sustained ${sustained}, burst ${burst}, ` +
      `tool requests ${settings['tool-requests']}, ${GATEWAY_PROCESSES} gateway processes, model ${MODEL}, prompt "${PROMPT}"; Node ${process.version}, ${availableParallelism()} cores`,
  );

  // ---- start everything but the gateways ---------------------------------------------------
  progress('starting redis-server + Upstash bridge, simulator');
  const redis: RealRedisUpstash = await startRealRedisUpstash();
  cleanups.push({ name: 'redis', run: () => redis.close() });
  const monitor: RedisMonitor = await startRedisMonitor(redis.redisPort);
  cleanups.push({ name: 'redis monitor', run: () => monitor.close() });
  const simulator: SimulatorHandle = await startSimulator({
    minGapMs: simulatorGapMs,
    chunkDelayMs: settings['chunk-delay-ms'],
  });
  cleanups.push({ name: 'simulator', run: () => simulator.close() });
  const watch: AccountWatch = await startAccountWatch({ redisPort: redis.redisPort, simulator, spacingMs });
  cleanups.push({ name: 'account watch', run: () => watch.close() });
  monitor.ignore(watch.address);
  const credentials = simulator.mintCredentials();

  const pacerMaxWaitMs = Math.min(120_000, Math.max(30_000, Math.ceil(burst * CALLS_PER_CHAT * spacingMs * 1.5)));
  const baseEnvironment: Record<string, string> = {
    JM_TOKEN: credentials.jmToken,
    SDP_SESSION: credentials.sdpSession,
    XIPU_API_BASE: simulator.apiBase,
    UPSTASH_REDIS_REST_URL: redis.url,
    UPSTASH_REDIS_REST_TOKEN: redis.token,
    UPSTREAM_MIN_GAP_MS: String(gapMs),
    UPSTREAM_ANSWER_ALLOWANCE_MS: String(allowanceMs),
    PACER_MAX_WAIT_MS: String(pacerMaxWaitMs),
    API_KEYS: `bench:${API_KEY}`,
    RATE_LIMIT_RPM: '100000',
    MAX_CONCURRENT_PER_KEY: String(Math.min(1_000, Math.max(50, burst * 2))),
    TOOL_CALL_TRIGGER: BENCH_TOOL_TRIGGER,
  };
  const poolOffEnvironment = { ...baseEnvironment, SESSION_POOL_SIZE: '0' };
  const poolOnEnvironment = baseEnvironment;
  const poolOffPolicy = poolPolicyOf(poolOffEnvironment);
  const poolOnPolicy = poolPolicyOf(poolOnEnvironment);

  const direct: DirectClientOptions = { apiBase: simulator.apiBase, credentials, model: MODEL, gapMs, paceDelete: true };
  const gatewayBody = { model: MODEL, messages: [{ role: 'user', content: PROMPT }] };

  // ---- phase 0: the direct clients alone ----------------------------------------------------
  progress('direct warm-up chat; naive burst of direct clients');
  const warmDirect = await directChat(direct, UPSTREAM_TEXT);
  if (!warmDirect.ok) throw new Error(`direct warm-up chat failed: ${warmDirect.failure}`);
  const expectedContent = warmDirect.content;
  await idle({ watch });
  const naive = await naiveBurst({ simulator, direct, upstreamText: UPSTREAM_TEXT, progress }, burst, spacingMs);
  await idle({ watch });
  simulator.reset();

  /** Starts a phase's processes, warms each up, runs one keep-alive (heartbeat, sweep, pool top-up). */
  const startPhase = async (name: string, environment: Record<string, string>, policy: { size: number; deleteBatchSize: number }): Promise<MeasureContext> => {
    progress(`${name}: starting ${GATEWAY_PROCESSES} gateway processes (next start)`);
    watch.usePolicy(policy);
    const trio: GatewayTrio = await startGatewayTrio(GATEWAY_PROCESSES, environment, CRON_SECRET);
    cleanups.push({ name: `${name} gateways`, run: () => trio.stop() });
    const context: MeasureContext = {
      simulator,
      redis,
      monitor,
      watch,
      trio,
      apiKey: API_KEY,
      body: gatewayBody,
      upstreamText: UPSTREAM_TEXT,
      direct,
      checkContent: (result: GatewayChatResult) =>
        result.ok && result.content !== expectedContent ? { ...result, ok: false, failure: 'answer differs from the direct one' } : result,
      progress,
    };
    progress(`${name}: warming up (1 gateway chat per process, then the keep-alive)`);
    for (const url of trio.urls) {
      const result = await gatewayChat(url, API_KEY, gatewayBody);
      if (!result.ok) throw new Error(`gateway warm-up chat failed: ${trio.describeFailure(result)}`);
      await idle(context);
    }
    await trio.keepalive();
    const settled = await idle(context);
    if (settled.status.pooled !== policy.size) progress(`${name}: ${settled.status.pooled} pooled session(s) after the warm-up, not ${policy.size}`);
    return context;
  };
  /** Stops a phase's processes; Redis emptied and the simulator reset for the next. */
  const endPhase = async (context: MeasureContext) => {
    cleanups.pop();
    await context.trio.stop();
    await watch.flushAll();
    simulator.reset();
  };
  /** A keep-alive and a settled account: the next measurement starts with no delete pending. */
  const clearQueue = async (context: MeasureContext) => {
    await context.trio.keepalive();
    await idle(context);
  };

  /** Section 5's measurements of one phase: idle chats (with the ancestor's, interleaved), back to back, a burst. */
  const measureColumn = async (name: string, context: MeasureContext, withAncestor: boolean): Promise<PoolColumn> => {
    const kinds = withAncestor ? 'bare completions, direct chat, gateway chat' : 'bare completions, gateway chat';
    progress(`${name}: idle account, ${requests} × (${kinds}), interleaved`);
    const idleResult = await idleChats(context, requests, { ancestor: withAncestor });
    await clearQueue(context);
    progress(`${name}: ${sustained} gateway chats back to back, then the keep-alive`);
    const sustainedResult = await sustainedChats(context, sustained);
    progress(`${name}: burst of ${burst} concurrent streams over ${GATEWAY_PROCESSES} processes`);
    return { idle: idleResult, sustained: sustainedResult, burst: await gatewayBurst(context, burst) };
  };

  // ---- phase 1: the pool off (sections 1–4, section 5's first two columns) ------------------
  const off = await startPhase('pool off', poolOffEnvironment, poolOffPolicy);
  const poolOff = await measureColumn('pool off', off, true);
  await idle(off);
  const toolsSection = await runToolsSection({
    simulator,
    gatewayUrls: off.trio.urls,
    apiKey: API_KEY,
    model: MODEL,
    idle: async () => void (await idle(off)),
    requests: settings['tool-requests'],
    progress,
  });
  await endPhase(off);

  // ---- phase 2: the pool on (section 5's last column) ---------------------------------------
  const on = await startPhase('pool on', poolOnEnvironment, poolOnPolicy);
  const poolOn = await measureColumn('pool on', on, false);
  await endPhase(on);

  // ---- phase 3: one XIPU account vs two (section 6); phase 4: an OpenAI-compatible upstream (section 7)
  const accountsRuns = await runAccountsSection({
    simulator,
    redis,
    baseEnvironment,
    cronSecret: CRON_SECRET,
    apiKey: API_KEY,
    body: gatewayBody,
    burst,
    processes: GATEWAY_PROCESSES,
    reset: async () => {
      await watch.flushAll();
      simulator.reset();
    },
    progress,
  });
  const proxySection = await runProxySection({ streams: settings.streams, redis, apiKey: API_KEY, progress });
  const benchMs = performance.now() - benchStartedAt;

  // ---- report ----------------------------------------------------------------------------
  const { idle: offIdle, sustained: offSustained, burst: offBurst } = poolOff;
  const offPerChat = totalCalls(offSustained.calls) / offSustained.chats;
  const lines: string[] = [];
  const bareTtft = ttftOf(offIdle.bare);
  const directTtft = ttftOf(offIdle.ancestor);
  const gatewayTtft = ttftOf(offIdle.gateway);
  const spread = (values: readonly number[]) => [ms(median(values)), ms(p95(values)), ms(Math.min(...values)), ms(Math.max(...values))];

  lines.push(
    `configuration: sections 1–4 run against three processes with the pool off (SESSION_POOL_SIZE=0, SESSION_DELETE_BATCH=${poolOffPolicy.deleteBatchSize}, the default):`,
    `  every chat creates its own session, as before the warm pool, so TTFT compares with earlier runs; its session is deleted in batches of ${poolOffPolicy.deleteBatchSize}`,
    `  (before the pool: one delSession per chat), which changes the burst's calls and the Redis commands per chat. Section 5 adds three processes with the pool on`,
    `  (SESSION_POOL_SIZE=${poolOnPolicy.size}, SESSION_DELETE_BATCH=${poolOnPolicy.deleteBatchSize}). Whole run: ${seconds(benchMs)}.`,
    '',
  );

  lines.push(`1. Time to first token, idle account (${requests} sequential streaming requests each, interleaved; account idle ≥ gap + allowance before each; pool off)`);
  lines.push(
    table(
      ['', 'median', 'p95', 'min', 'max', 'upstream 429s', 'failures'],
      [
        ['bare completions (direct, existing session)', ...spread(bareTtft), '', String(failures(offIdle.bare))],
        ['direct client', ...spread(directTtft), String(offIdle.ancestor429s), String(failures(offIdle.ancestor))],
        ['gateway', ...spread(gatewayTtft), String(offIdle.gateway429s), String(failures(offIdle.gateway))],
        ['time the gateway adds', signedMs(median(gatewayTtft) - median(directTtft)), signedMs(p95(gatewayTtft) - p95(directTtft)), '', '', '', ''],
      ],
    ),
  );
  lines.push(
    `  bare completions: the direct client's completions alone into a session made beforehand — what the model itself takes (section 5's baseline).`,
    `  Most of TTFT is the pacing gap between saveSession and completions, which both pay: the direct client waits ${gapMs} ms after`,
    `  saveSession's answer, the gateway's shared schedule starts completions ${spacingMs} ms (gap + allowance) after saveSession's slot.`,
    `  Beyond that wait (medians): direct ${ms(median(directTtft) - gapMs)}, gateway ${ms(median(gatewayTtft) - spacingMs)}.`,
    `  So the gateway adds its allowance (${allowanceMs} ms of safety between calls) plus ${ms(median(gatewayTtft) - spacingMs - (median(directTtft) - gapMs))} of its own work` +
      ` (Next.js route; Redis via the REST bridge: rate limit, concurrency lease, 2 slot reservations, session record).`,
  );
  const firstFailure = [...offIdle.ancestor, ...offIdle.gateway].find((result) => !result.ok);
  if (firstFailure) lines.push(`  first failure: ${firstFailure.failure}`);
  lines.push('');

  const gatewayFloorMs = burst * offPerChat * gapMs;
  const naiveFloorMs = burst * CALLS_PER_CHAT * gapMs;
  const row = (label: string, makespanMs: number, floorMs: number, perChat: number, rest: string[]) => [
    label,
    seconds(makespanMs),
    seconds(floorMs),
    (makespanMs / floorMs).toFixed(2),
    (makespanMs / (burst * perChat * spacingMs)).toFixed(2),
    ...rest,
  ];
  lines.push(`2. Burst: ${burst} concurrent streaming requests (makespan = first request sent → last response finished; pool off)`);
  lines.push(
    `  pacing floor B × calls per chat × gap: the direct clients make ${CALLS_PER_CHAT} calls per chat, the gateway ${offPerChat.toFixed(2)}`,
    `  (measured over ${offSustained.chats} chats back to back, section 5); the schedule's spacing: the same × (gap + allowance)`,
  );
  lines.push(
    table(
      ['', 'makespan', 'floor', '÷ floor', '÷ schedule', 'all calls done', 'upstream 429s', 'failures', 'sessions left', 'closest calls'],
      [
        row(`gateway (${GATEWAY_PROCESSES} processes, 1 Redis)`, offBurst.makespanMs, gatewayFloorMs, offPerChat, [
          seconds(offBurst.allCallsDoneMs),
          String(offBurst.rateLimited),
          String(failures(offBurst.results)),
          `${offBurst.sessionsAfterBurst} → ${offBurst.sessionsAfterKeepalive}`,
          ms(offBurst.closestCallsMs),
        ]),
        row(`naive direct clients (${burst} at once)`, naive.makespanMs, naiveFloorMs, CALLS_PER_CHAT, [
          seconds(naive.makespanMs),
          String(naive.state.rateLimited),
          String(failures(naive.results)),
          String(naive.left),
          ms(naive.state.minArrivalGapMs ?? Number.NaN),
        ]),
      ],
    ),
  );
  lines.push(
    `  gateway: ${offBurst.sessionsCreated} sessions created; upstream calls until settled ${formatCalls(offBurst.calls)}. "all calls done": first request → the last`,
    `  upstream call before the account settled. "sessions left": once settled (deletes still queued, below a batch of ${poolOffPolicy.deleteBatchSize}) → after the keep-alive's sweep.`,
  );
  lines.push(
    `  naive: ${naive.state.sessionsCreated} session(s) created, upstream calls ${formatCalls(naive.state.calls)}; failures by step: ${failureSteps(naive.results)}` +
      (naive.left > 0 ? `; the ${naive.left} left were deleted afterwards by the benchmark, paced.` : '.'),
  );
  const burstFailure = offBurst.results.find((result) => !result.ok);
  if (burstFailure) lines.push(`  first gateway failure: ${off.trio.describeFailure(burstFailure)}`);
  if (offBurst.problem) lines.push(`  ${offBurst.problem}`);
  lines.push(`  "closest calls": smallest arrival-to-arrival gap the simulator saw between two calls of the account in the phase so far (limit ${simulatorGapMs} ms).`);
  lines.push('');

  const idlePerChat = offIdle.commands / requests;
  const burstPerChat = offBurst.commands / burst;
  const aim = (perChat: number) => (perChat <= COMMANDS_PER_CHAT_AIM ? 'yes' : 'NO');
  const chatsPerMonth = (perChat: number) => `${Math.floor(UPSTASH_FREE_COMMANDS_PER_MONTH / perChat / 1000)}K`;
  lines.push(`3. Redis commands per chat (Upstash bridge count; pool off); aim ≤ ${COMMANDS_PER_CHAT_AIM} per chat (Upstash free tier: 500K commands/month)`);
  lines.push(
    table(
      ['', 'commands', 'chats', 'per chat', `≤ ${COMMANDS_PER_CHAT_AIM}`, 'chats/month in 500K'],
      [
        ['streaming chat on an idle account', String(offIdle.commands), String(requests), idlePerChat.toFixed(2), aim(idlePerChat), chatsPerMonth(idlePerChat)],
        ['burst', String(offBurst.commands), String(burst), burstPerChat.toFixed(2), aim(burstPerChat), chatsPerMonth(burstPerChat)],
      ],
    ),
  );
  lines.push('  by store call (per chat, from redis MONITOR; commands inside Lua scripts not counted):');
  const labels = [...new Set([...offIdle.breakdown.keys(), ...offBurst.breakdown.keys()])].sort(
    (first, second) => (offIdle.breakdown.get(second) ?? 0) - (offIdle.breakdown.get(first) ?? 0) || first.localeCompare(second),
  );
  lines.push(
    table(
      ['store call: command key', 'idle', 'burst'],
      [
        ...labels.map((label) => [label, ((offIdle.breakdown.get(label) ?? 0) / requests).toFixed(2), ((offBurst.breakdown.get(label) ?? 0) / burst).toFixed(2)]),
        ['total', (sumCounts(offIdle.breakdown) / requests).toFixed(2), (sumCounts(offBurst.breakdown) / burst).toFixed(2)],
      ],
      '    ',
    ),
  );
  lines.push('');
  lines.push(...reportToolsSection(toolsSection));
  lines.push('');
  lines.push(
    ...reportPoolSection({
      gapMs,
      poolSize: poolOnPolicy.size,
      deleteBatch: poolOnPolicy.deleteBatchSize,
      requests,
      poolOff,
      naive,
      poolOn,
    }),
  );

  lines.push('');
  lines.push(...reportAccountsSection(accountsRuns, burst));
  lines.push('');
  lines.push(...reportProxySection(proxySection));

  console.log(lines.join('\n'));
  return 0;
}

/** The pool policy the gateway reads from this environment (lib/config/env.ts). */
function poolPolicyOf(environment: Record<string, string>): { size: number; deleteBatchSize: number } {
  const parsed = parseConfig(environment);
  if (!parsed.ok) throw new Error(`the benchmark's gateway environment is invalid: ${parsed.problem.message}`);
  return parsed.config.sessionPool;
}

function sumCounts(counts: Map<string, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

function formatCalls(calls: CallCounts): string {
  return `saveSession ${calls.saveSession}, completions ${calls.completions}, delSession ${calls.delSession}`;
}

/** `saveSession 429 ×5, delSession 429 ×3` — the failing step and status of each failed chat. */
function failureSteps(results: ReadonlyArray<{ ok: boolean; failure?: string }>): string {
  const steps = new Map<string, number>();
  for (const result of results) {
    if (result.ok) continue;
    const step = (result.failure ?? 'unknown').split(' ').slice(0, 2).join(' ');
    steps.set(step, (steps.get(step) ?? 0) + 1);
  }
  if (steps.size === 0) return 'none';
  return [...steps].map(([step, count]) => `${step} ×${count}`).join(', ');
}

let exiting = false;
process.once('SIGINT', () => {
  exiting = true;
  progress('interrupted: stopping everything');
  void cleanUp().finally(() => process.exit(130));
});

main()
  .catch((error: unknown) => {
    console.error('[bench] failed:', error instanceof Error ? error.message : error);
    return 1;
  })
  .then(async (code) => {
    if (exiting) return;
    await cleanUp();
    process.exitCode = code;
    // Everything is stopped; should a stray handle linger, do not hang.
    setTimeout(() => process.exit(code), 2_000).unref();
  });
