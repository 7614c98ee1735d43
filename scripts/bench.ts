/**
 * `npm run bench [-- --gap-ms 300 --allowance-ms 60 --requests 15 --burst 12 --chunk-delay-ms 2 --tool-requests 10]`
 *
 * Runs the built gateway (3 × `next start`, sharing one real redis-server behind the Upstash
 * REST bridge) against the in-process XIPU simulator, side by side with a minimal client that
 * calls the simulator directly with the same credentials, and prints:
 *   1. time to first token on an idle account (direct vs gateway, and what the gateway adds);
 *   2. a burst of concurrent streams: makespan against the pacing floor, upstream 429s,
 *      failures and sessions left — and the same burst sent naively by direct clients;
 *   3. Redis commands per chat (the bridge counts them as Upstash bills), by store call;
 *   4. tools in the request (scripts/bench/tools-section.ts): time to first token and the longest
 *      hold-back against the same request without tools, and the time to a tool call.
 * Needs `npx next build` first. Every process and server it starts is stopped at the end.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startSimulator, type SimulatorHandle, type SimulatorState } from '@/simulator/start-simulator';
import { startGatewayProcess, type GatewayProcess } from '../tests/support/gateway-process';
import { startRealRedisUpstash, type RealRedisUpstash } from '../tests/support/start-real-redis-upstash';
import { deleteSessions, directChat, type DirectChatResult, type DirectClientOptions } from './bench/direct-client';
import { gatewayChat, type GatewayChatResult } from './bench/gateway-client';
import { difference, startRedisMonitor, type RedisMonitor } from './bench/redis-monitor';
import { median, ms, p95, seconds, signedMs, table } from './bench/stats';
import { BENCH_TOOL_TRIGGER, reportToolsSection, runToolsSection } from './bench/tools-section';

const ROOT = path.resolve(import.meta.dirname, '..');
const API_KEY = 'sk-bench-0123456789abcdef';
const MODEL = 'gpt-4.1';
/** A deterministic reply of a few dozen pieces (simulator/generate-reply.ts). */
const PROMPT = 'SIM-LONG: 30';
/** As the gateway flattens one user message (docs/xipu-protocol §2), so both send the same text. */
const UPSTREAM_TEXT = `User:\n${PROMPT}`;
const GATEWAY_PROCESSES = 3;
const CALLS_PER_CHAT = 3;
/** The project's budget: Upstash free tier, 500K commands a month. */
const COMMANDS_PER_CHAT_AIM = 8;
const UPSTASH_FREE_COMMANDS_PER_MONTH = 500_000;
const CLEANUP_TIMEOUT_MS = 15_000;
const POLL_MS = 10;

const argumentsSchema = z.object({
  'gap-ms': z.coerce.number().int().min(10).max(60_000).default(300),
  'allowance-ms': z.coerce.number().int().min(0).max(60_000).default(60),
  requests: z.coerce.number().int().min(1).max(1_000).default(15),
  burst: z.coerce.number().int().min(1).max(48).default(12),
  'chunk-delay-ms': z.coerce.number().int().min(0).max(1_000).default(2),
  'tool-requests': z.coerce.number().int().min(1).max(1_000).default(10),
});
type Settings = z.infer<typeof argumentsSchema>;

const sleep = (delayMs: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, delayMs)));
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
    options: {
      'gap-ms': { type: 'string' },
      'allowance-ms': { type: 'string' },
      requests: { type: 'string' },
      burst: { type: 'string' },
      'chunk-delay-ms': { type: 'string' },
      'tool-requests': { type: 'string' },
    },
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
  const { requests, burst } = settings;

  console.log('xipu-gateway benchmark: gateway (next start, shared real Redis via Upstash REST) vs direct XIPU client, on the simulator');
  console.log(
    `settings: gap ${gapMs} ms (UPSTREAM_MIN_GAP_MS), allowance ${allowanceMs} ms, simulator minGapMs ${simulatorGapMs} ms ` +
      `(80% of gap, default profile), chunk delay ${settings['chunk-delay-ms']} ms, requests ${requests}, burst ${burst}, ` +
      `tool requests ${settings['tool-requests']}, ${GATEWAY_PROCESSES} gateway processes, model ${MODEL}, prompt "${PROMPT}"; Node ${process.version}, ${availableParallelism()} cores`,
  );
  console.log('');

  // ---- start everything ----------------------------------------------------------------
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
  const credentials = simulator.mintCredentials();

  const pacerMaxWaitMs = Math.min(120_000, Math.max(30_000, Math.ceil(burst * CALLS_PER_CHAT * spacingMs * 1.5)));
  const environment: Record<string, string> = {
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
  progress(`starting ${GATEWAY_PROCESSES} gateway processes (next start)`);
  const gateways: GatewayProcess[] = [];
  const started = await Promise.allSettled(Array.from({ length: GATEWAY_PROCESSES }, () => startGatewayProcess(environment)));
  for (const outcome of started) {
    if (outcome.status === 'fulfilled') {
      gateways.push(outcome.value);
      cleanups.push({ name: `gateway ${outcome.value.url}`, run: () => outcome.value.stop() });
    }
  }
  const startFailure = started.find((outcome) => outcome.status === 'rejected');
  if (startFailure) throw (startFailure as PromiseRejectedResult).reason;

  const direct: DirectClientOptions = { apiBase: simulator.apiBase, credentials, model: MODEL, gapMs, paceDelete: true };
  const gatewayBody = { model: MODEL, messages: [{ role: 'user', content: PROMPT }] };

  /** Until the account has no call, stream or session left (the gateway deletes after the response). */
  const waitForQuiet = async (timeoutMs = CLEANUP_TIMEOUT_MS): Promise<SimulatorState> => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const state = simulator.state();
      const quiet = state.callsInFlight === 0 && state.openStreams === 0 && state.sessionsOpen === 0;
      if (quiet || performance.now() > deadline) return state;
      await sleep(POLL_MS);
    }
  };
  /** Quiet, then idle for more than one schedule spacing (gap + allowance): the next chat finds an idle account. */
  const idle = async (): Promise<void> => {
    const state = await waitForQuiet();
    if (state.sessionsOpen > 0) throw new Error(`${state.sessionsOpen} upstream session(s) still open after ${CLEANUP_TIMEOUT_MS / 1000} s`);
    await sleep(spacingMs + 50);
  };
  const describeGatewayFailure = (result: GatewayChatResult) => {
    const logs = gateways.map((gateway) => gateway.output().split('\n').slice(-5).join('\n')).join('\n---\n');
    return `${result.failure}\nlast gateway output:\n${logs}`;
  };

  // ---- warm-up: first requests load routes, connections and scripts ----------------------
  progress('warming up (1 direct chat, 1 gateway chat per process)');
  const warmDirect = await directChat(direct, UPSTREAM_TEXT);
  if (!warmDirect.ok) throw new Error(`direct warm-up chat failed: ${warmDirect.failure}`);
  const expectedContent = warmDirect.content;
  await idle();
  for (const gateway of gateways) {
    const result = await gatewayChat(gateway.url, API_KEY, gatewayBody);
    if (!result.ok) throw new Error(`gateway warm-up chat failed: ${describeGatewayFailure(result)}`);
    await idle();
  }
  const checkContent = (result: GatewayChatResult): GatewayChatResult =>
    result.ok && result.content !== expectedContent ? { ...result, ok: false, failure: 'answer differs from the direct one' } : result;

  // ---- 1. time to first token on an idle account (and Redis commands per idle chat) -------
  progress(`idle account: ${requests} direct and ${requests} gateway chats, interleaved`);
  const directIdle: DirectChatResult[] = [];
  const gatewayIdle: GatewayChatResult[] = [];
  let direct429s = 0;
  let gateway429s = 0;
  let idleCommands = 0;
  let idleBreakdown = new Map<string, number>();
  for (let index = 0; index < requests; index += 1) {
    let rateLimitedBefore = simulator.state().rateLimited;
    directIdle.push(await directChat(direct, UPSTREAM_TEXT));
    await idle();
    direct429s += simulator.state().rateLimited - rateLimitedBefore;

    rateLimitedBefore = simulator.state().rateLimited;
    const commandsBefore = redis.commandCount();
    const monitorBefore = monitor.snapshot();
    const result = checkContent(await gatewayChat(gateways[index % gateways.length]!.url, API_KEY, gatewayBody));
    gatewayIdle.push(result);
    await idle();
    gateway429s += simulator.state().rateLimited - rateLimitedBefore;
    idleCommands += redis.commandCount() - commandsBefore;
    idleBreakdown = addCounts(idleBreakdown, difference(monitor.snapshot(), monitorBefore));
  }

  // ---- 2a. burst through the gateway ----------------------------------------------------
  progress(`burst: ${burst} concurrent streams over ${gateways.length} gateway processes`);
  await idle();
  simulator.reset();
  const burstCommandsBefore = redis.commandCount();
  const burstMonitorBefore = monitor.snapshot();
  const burstStartedAt = performance.now();
  const burstEnds: number[] = [];
  const burstResults = await Promise.all(
    Array.from({ length: burst }, async (_, index) => {
      const result = checkContent(await gatewayChat(gateways[index % gateways.length]!.url, API_KEY, gatewayBody));
      burstEnds.push(performance.now());
      return result;
    }),
  );
  const burstMakespanMs = Math.max(...burstEnds) - burstStartedAt;
  const burstAfterCleanup = await waitForQuiet();
  const burstCleanupMs = performance.now() - burstStartedAt;
  await sleep(spacingMs + 50);
  const burstCommands = redis.commandCount() - burstCommandsBefore;
  const burstBreakdown = difference(monitor.snapshot(), burstMonitorBefore);
  const burstState = simulator.state();

  // ---- 2b. the same burst, sent naively by direct clients --------------------------------
  progress(`naive burst: ${burst} direct clients at once`);
  await idle();
  simulator.reset();
  const naiveStartedAt = performance.now();
  const naiveEnds: number[] = [];
  const naiveResults = await Promise.all(
    Array.from({ length: burst }, async () => {
      const result = await directChat({ ...direct, paceDelete: false }, UPSTREAM_TEXT);
      naiveEnds.push(performance.now());
      return result;
    }),
  );
  const naiveMakespanMs = Math.max(...naiveEnds) - naiveStartedAt;
  // The naive clients are done: nothing will delete what they left.
  const naiveState = simulator.state();
  const naiveLeft = naiveState.sessions.map((session) => session.id);
  if (naiveLeft.length > 0) await removeSessions(direct, naiveLeft, spacingMs);

  // ---- 4. tools in the request ------------------------------------------------------------
  const toolsSection = await runToolsSection({
    simulator,
    gatewayUrls: gateways.map((gateway) => gateway.url),
    apiKey: API_KEY,
    model: MODEL,
    idle,
    requests: settings['tool-requests'],
    progress,
  });

  // ---- report ----------------------------------------------------------------------------
  const lines: string[] = [];
  const okTtft = (results: ReadonlyArray<{ ok: boolean; ttftMs: number }>) =>
    results.filter((result) => result.ok && Number.isFinite(result.ttftMs)).map((result) => result.ttftMs);
  const directTtft = okTtft(directIdle);
  const gatewayTtft = okTtft(gatewayIdle);
  const failures = (results: ReadonlyArray<{ ok: boolean }>) => results.filter((result) => !result.ok).length;

  lines.push(`1. Time to first token, idle account (${requests} sequential streaming requests each, interleaved; account idle ≥ gap + allowance before each)`);
  lines.push(
    table(
      ['', 'median', 'p95', 'min', 'max', 'upstream 429s', 'failures'],
      [
        ['direct client', ms(median(directTtft)), ms(p95(directTtft)), ms(Math.min(...directTtft)), ms(Math.max(...directTtft)), String(direct429s), String(failures(directIdle))],
        ['gateway', ms(median(gatewayTtft)), ms(p95(gatewayTtft)), ms(Math.min(...gatewayTtft)), ms(Math.max(...gatewayTtft)), String(gateway429s), String(failures(gatewayIdle))],
        ['time the gateway adds', signedMs(median(gatewayTtft) - median(directTtft)), signedMs(p95(gatewayTtft) - p95(directTtft)), '', '', '', ''],
      ],
    ),
  );
  lines.push(
    `  Most of TTFT is the pacing gap between saveSession and completions, which both pay: the direct client waits ${gapMs} ms after`,
    `  saveSession's answer, the gateway's shared schedule starts completions ${spacingMs} ms (gap + allowance) after saveSession's slot.`,
    `  Beyond that wait (medians): direct ${ms(median(directTtft) - gapMs)}, gateway ${ms(median(gatewayTtft) - spacingMs)}.`,
    `  So the gateway adds its allowance (${allowanceMs} ms of safety between calls) plus ${ms(median(gatewayTtft) - spacingMs - (median(directTtft) - gapMs))} of its own work` +
      ` (Next.js route; Redis via the REST bridge: rate limit, concurrency lease, 2 slot reservations, session record).`,
  );
  const firstFailure = [...directIdle, ...gatewayIdle].find((result) => !result.ok);
  if (firstFailure) lines.push(`  first failure: ${firstFailure.failure}`);
  lines.push('');

  const floorMs = burst * CALLS_PER_CHAT * gapMs;
  const scheduleMs = burst * CALLS_PER_CHAT * spacingMs;
  lines.push(`2. Burst: ${burst} concurrent streaming requests (makespan = first request sent → last response finished)`);
  lines.push(
    `  pacing floor B × 3 × gap = ${seconds(floorMs)}; the schedule's spacing B × 3 × (gap + allowance) = ${seconds(scheduleMs)}`,
  );
  lines.push(
    table(
      ['', 'makespan', '÷ floor', '÷ schedule', 'all calls done', 'upstream 429s', 'failures', 'sessions left', 'closest calls'],
      [
        [
          `gateway (${gateways.length} processes, 1 Redis)`,
          seconds(burstMakespanMs),
          (burstMakespanMs / floorMs).toFixed(2),
          (burstMakespanMs / scheduleMs).toFixed(2),
          seconds(burstCleanupMs),
          String(burstState.rateLimited),
          String(failures(burstResults)),
          String(burstAfterCleanup.sessionsOpen),
          ms(burstState.minArrivalGapMs ?? Number.NaN),
        ],
        [
          `naive direct clients (${burst} at once)`,
          seconds(naiveMakespanMs),
          (naiveMakespanMs / floorMs).toFixed(2),
          (naiveMakespanMs / scheduleMs).toFixed(2),
          seconds(naiveMakespanMs),
          String(naiveState.rateLimited),
          String(failures(naiveResults)),
          String(naiveLeft.length),
          ms(naiveState.minArrivalGapMs ?? Number.NaN),
        ],
      ],
    ),
  );
  lines.push(
    `  gateway: ${burstState.sessionsCreated} sessions created; upstream calls ${formatCalls(burstState)}. The makespan can beat the floor:`,
    `  each session is deleted after its response, so the last deletions (up to B of the 3B calls) come after the last response;`,
    `  "all calls done" (first request → last session deleted) is the figure to hold against the floor.`,
  );
  lines.push(
    `  naive: ${naiveState.sessionsCreated} session(s) created, upstream calls ${formatCalls(naiveState)}; failures by step: ${failureSteps(naiveResults)}` +
      (naiveLeft.length > 0 ? `; the ${naiveLeft.length} left were deleted afterwards by the benchmark, paced.` : '.'),
  );
  const burstFailure = burstResults.find((result) => !result.ok);
  if (burstFailure) lines.push(`  first gateway failure: ${burstFailure.failure}`);
  lines.push(`  "closest calls": smallest arrival-to-arrival gap the simulator saw between two calls of the account (limit ${simulatorGapMs} ms).`);
  lines.push('');

  const idlePerChat = idleCommands / requests;
  const burstPerChat = burstCommands / burst;
  const verdict = (perChat: number) => (perChat <= COMMANDS_PER_CHAT_AIM ? 'yes' : 'NO');
  const chatsPerMonth = (perChat: number) => `${Math.floor(UPSTASH_FREE_COMMANDS_PER_MONTH / perChat / 1000)}K`;
  lines.push(`3. Redis commands per chat (Upstash bridge count); aim ≤ ${COMMANDS_PER_CHAT_AIM} per chat (Upstash free tier: 500K commands/month)`);
  lines.push(
    table(
      ['', 'commands', 'chats', 'per chat', `≤ ${COMMANDS_PER_CHAT_AIM}`, 'chats/month in 500K'],
      [
        ['streaming chat on an idle account', String(idleCommands), String(requests), idlePerChat.toFixed(2), verdict(idlePerChat), chatsPerMonth(idlePerChat)],
        ['burst', String(burstCommands), String(burst), burstPerChat.toFixed(2), verdict(burstPerChat), chatsPerMonth(burstPerChat)],
      ],
    ),
  );
  lines.push('  by store call (per chat, from redis MONITOR; commands inside Lua scripts not counted):');
  const labels = [...new Set([...idleBreakdown.keys(), ...burstBreakdown.keys()])].sort(
    (first, second) => (idleBreakdown.get(second) ?? 0) - (idleBreakdown.get(first) ?? 0) || first.localeCompare(second),
  );
  lines.push(
    table(
      ['store call: command key', 'idle', 'burst'],
      [
        ...labels.map((label) => [
          label,
          ((idleBreakdown.get(label) ?? 0) / requests).toFixed(2),
          ((burstBreakdown.get(label) ?? 0) / burst).toFixed(2),
        ]),
        ['total', (sumCounts(idleBreakdown) / requests).toFixed(2), (sumCounts(burstBreakdown) / burst).toFixed(2)],
      ],
      '    ',
    ),
  );
  lines.push('');
  lines.push(...reportToolsSection(toolsSection));

  console.log(lines.join('\n'));
  return 0;
}

function addCounts(total: Map<string, number>, more: Map<string, number>): Map<string, number> {
  const result = new Map(total);
  for (const [label, count] of more) result.set(label, (result.get(label) ?? 0) + count);
  return result;
}

function sumCounts(counts: Map<string, number>): number {
  let total = 0;
  for (const count of counts.values()) total += count;
  return total;
}

function formatCalls(state: SimulatorState): string {
  return `saveSession ${state.calls.saveSession}, completions ${state.calls.completions}, delSession ${state.calls.delSession}`;
}

/** `saveSession 429 ×5, delSession 429 ×3` — the failing step and status of each failed chat. */
function failureSteps(results: readonly DirectChatResult[]): string {
  const steps = new Map<string, number>();
  for (const result of results) {
    if (result.ok) continue;
    const step = (result.failure ?? 'unknown').split(' ').slice(0, 2).join(' ');
    steps.set(step, (steps.get(step) ?? 0) + 1);
  }
  if (steps.size === 0) return 'none';
  return [...steps].map(([step, count]) => `${step} ×${count}`).join(', ');
}

/** Deletes what naive clients left, paced and in one call (delSession takes several ids). */
async function removeSessions(options: DirectClientOptions, ids: number[], spacingMs: number): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt += 1) {
    await sleep(spacingMs * (attempt + 1));
    if ((await deleteSessions(options, ids)).ok) return;
  }
  progress(`could not delete ${ids.length} session(s) left by the naive clients`);
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
