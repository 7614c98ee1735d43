/**
 * The measurements `npm run bench` makes, each on a settled account (./account-watch.ts):
 * idle-account chats (bare completions, the ancestor's pattern, the gateway, interleaved),
 * sustained back-to-back chats closed by a keep-alive, a burst of concurrent streams, and
 * the same burst sent naively by direct clients.
 */
import type { SimulatorHandle, SimulatorState } from '@/simulator/start-simulator';
import type { RealRedisUpstash } from '../../tests/support/start-real-redis-upstash';
import { upstreamCalls, type AccountWatch, type Settled } from './account-watch';
import {
  createSession,
  deleteSessions,
  directChat,
  streamCompletions,
  type CompletionsResult,
  type DirectChatResult,
  type DirectClientOptions,
} from './direct-client';
import { gatewayChat, type GatewayChatResult } from './gateway-client';
import { heartbeatCalls, type GatewayTrio } from './gateway-trio';
import { difference, type RedisMonitor } from './redis-monitor';

export interface MeasureContext {
  simulator: SimulatorHandle;
  redis: RealRedisUpstash;
  monitor: RedisMonitor;
  watch: AccountWatch;
  trio: GatewayTrio;
  apiKey: string;
  /** The streaming chat request every gateway chat sends. */
  body: { model: string; messages: Array<{ role: string; content: string }> };
  /** The same chat as the direct client sends it upstream. */
  upstreamText: string;
  direct: DirectClientOptions;
  /** Marks a gateway answer that differs from the direct one as a failure. */
  checkContent: (result: GatewayChatResult) => GatewayChatResult;
  progress: (message: string) => void;
}

/** Until the account is idle; a benchmark error when it does not get there. */
export async function idle(context: Pick<MeasureContext, 'watch'>, timeoutMs?: number): Promise<Settled> {
  const settled = await context.watch.settle(timeoutMs);
  if (!settled.settled) throw new Error(`the account is not idle: ${settled.problem}`);
  return settled;
}

/** Upstream calls by endpoint between two snapshots. */
export interface CallCounts {
  saveSession: number;
  completions: number;
  delSession: number;
}

function callsBetween(before: SimulatorState, after: SimulatorState): CallCounts {
  return {
    saveSession: after.calls.saveSession - before.calls.saveSession,
    completions: after.calls.completions - before.calls.completions,
    delSession: after.calls.delSession - before.calls.delSession,
  };
}

export const totalCalls = (calls: CallCounts): number => calls.saveSession + calls.completions + calls.delSession;

/** A chat that went wrong: `ok` false (chats), or a `failure` (bare completions). */
const failed = (result: { ok?: boolean; failure?: string }) => !(result.ok ?? result.failure === undefined);

/** The times to first token of the results that succeeded. */
export const ttftOf = (results: ReadonlyArray<{ ok?: boolean; failure?: string; ttftMs: number }>): number[] =>
  results.filter((result) => !failed(result) && Number.isFinite(result.ttftMs)).map((result) => result.ttftMs);

export const failures = (results: ReadonlyArray<{ ok?: boolean; failure?: string }>): number => results.filter(failed).length;

function addCounts(total: Map<string, number>, more: Map<string, number>): Map<string, number> {
  const result = new Map(total);
  for (const [label, count] of more) result.set(label, (result.get(label) ?? 0) + count);
  return result;
}

// ---- idle account ------------------------------------------------------------------------

export interface IdleChats {
  /** Completions alone into a session made beforehand: what the model itself takes. */
  bare: CompletionsResult[];
  /** The ancestor adapter's pattern (directChat), when asked for. */
  ancestor: DirectChatResult[];
  ancestorCalls: number;
  ancestor429s: number;
  gateway: GatewayChatResult[];
  /** Per gateway chat: whether it claimed a pooled session. */
  poolHit: boolean[];
  gateway429s: number;
  /** Bridge count, each gateway chat until the account settled (its deletes and refills included). */
  commands: number;
  breakdown: Map<string, number>;
}

/**
 * `count` rounds of: bare completions, the ancestor's chat (when `ancestor`), a gateway chat
 * (round robin over the processes) — each on an idle account.
 */
export async function idleChats(context: MeasureContext, count: number, options: { ancestor: boolean }): Promise<IdleChats> {
  const { simulator, redis, monitor, watch, trio, direct } = context;
  const result: IdleChats = { bare: [], ancestor: [], ancestorCalls: 0, ancestor429s: 0, gateway: [], poolHit: [], gateway429s: 0, commands: 0, breakdown: new Map() };
  const bareSession = await createSession(direct);
  if ('failure' in bareSession) throw new Error(`the bare-completions session could not be made: ${bareSession.failure}`);
  await idle(context);
  for (let index = 0; index < count; index += 1) {
    result.bare.push(await streamCompletions(direct, bareSession.id, context.upstreamText));
    await idle(context);

    if (options.ancestor) {
      const before = simulator.state();
      result.ancestor.push(await directChat(direct, context.upstreamText));
      const after = (await idle(context)).state;
      result.ancestorCalls += upstreamCalls(after) - upstreamCalls(before);
      result.ancestor429s += after.rateLimited - before.rateLimited;
    }

    const before = simulator.state();
    const statusBefore = await watch.poolStatus();
    const commandsBefore = redis.commandCount();
    const monitorBefore = monitor.snapshot();
    result.gateway.push(context.checkContent(await gatewayChat(trio.urls[index % trio.urls.length]!, context.apiKey, context.body)));
    const settled = await idle(context);
    result.poolHit.push(settled.status.hits > statusBefore.hits);
    result.gateway429s += settled.state.rateLimited - before.rateLimited;
    result.commands += redis.commandCount() - commandsBefore;
    result.breakdown = addCounts(result.breakdown, difference(monitor.snapshot(), monitorBefore));
  }
  const deleted = await deleteSessions(direct, [bareSession.id]);
  if (!deleted.ok) throw new Error(`the bare-completions session could not be deleted: ${deleted.status} ${deleted.msg}`);
  await idle(context);
  return result;
}

// ---- sustained load ----------------------------------------------------------------------

export interface SustainedChats {
  chats: number;
  failures: number;
  /** Each chat's time to first token (under load: the schedule's waits included). */
  ttftMs: number[];
  durationMs: number;
  /** The chats' calls, the closing keep-alive's deletes and refills included, its heartbeat not. */
  calls: CallCounts;
  heartbeatCalls: number;
  /** Bridge count over the chats and the keep-alive. */
  commands: number;
  rateLimited: number;
  poolHits: number;
  poolMisses: number;
  /** The most gateway sessions on the simulator after any one chat (pooled, pending deletes). */
  peakSessions: number;
  /** Sessions the closing keep-alive's sweep deleted (in one delSession call). */
  keepaliveDeleted: number;
  firstFailure?: string;
}

/**
 * `count` gateway chats back to back (each sent when the previous response has ended, round
 * robin over the processes), then the keep-alive, so the deletes still pending are counted.
 */
export async function sustainedChats(context: MeasureContext, count: number): Promise<SustainedChats> {
  const { simulator, redis, watch, trio } = context;
  await idle(context);
  const before = simulator.state();
  const statusBefore = await watch.poolStatus();
  const commandsBefore = redis.commandCount();
  const startedAt = performance.now();
  const results: GatewayChatResult[] = [];
  let peakSessions = 0;
  for (let index = 0; index < count; index += 1) {
    results.push(context.checkContent(await gatewayChat(trio.urls[index % trio.urls.length]!, context.apiKey, context.body)));
    peakSessions = Math.max(peakSessions, await watch.gatewaySessions());
  }
  const durationMs = performance.now() - startedAt;
  const report = await trio.keepalive();
  const settled = await idle(context);
  const calls = callsBetween(before, settled.state);
  const heartbeat = heartbeatCalls(report);
  const failedChats = results.filter((result) => !result.ok);
  return {
    chats: count,
    failures: failedChats.length,
    ttftMs: ttftOf(results),
    durationMs,
    calls: { ...calls, saveSession: calls.saveSession - heartbeat },
    heartbeatCalls: heartbeat,
    commands: redis.commandCount() - commandsBefore,
    rateLimited: settled.state.rateLimited - before.rateLimited,
    poolHits: settled.status.hits - statusBefore.hits,
    poolMisses: settled.status.misses - statusBefore.misses,
    peakSessions,
    keepaliveDeleted: 'deleted' in report.sweep ? report.sweep.deleted : 0,
    firstFailure: failedChats[0] === undefined ? undefined : trio.describeFailure(failedChats[0]),
  };
}

// ---- bursts ------------------------------------------------------------------------------

export interface GatewayBurst {
  size: number;
  results: GatewayChatResult[];
  /** First request sent → last response finished. */
  makespanMs: number;
  /** First request sent → the last upstream call of the burst (deletes and refills after it included). */
  allCallsDoneMs: number;
  /** Upstream calls until the account settled after it (before the keep-alive). */
  calls: CallCounts;
  sessionsCreated: number;
  /** 429s from the first request to the keep-alive after it. */
  rateLimited: number;
  /** Gateway sessions on the simulator once the account settled after the burst, and after the keep-alive. */
  sessionsAfterBurst: number;
  sessionsAfterKeepalive: number;
  pendingAfterBurst: number;
  pooledAfterBurst: number;
  pooledAfterKeepalive: number;
  poolHits: number;
  /** Bridge count until the account settled after the burst. */
  commands: number;
  breakdown: Map<string, number>;
  /** The smallest arrival-to-arrival gap the simulator has seen since its last reset. */
  closestCallsMs: number;
  /** Set when the account did not settle after the burst. */
  problem?: string;
}

/** `size` concurrent streams over the processes; then settled, the keep-alive, settled again. */
export async function gatewayBurst(context: MeasureContext, size: number): Promise<GatewayBurst> {
  const { simulator, redis, monitor, watch, trio } = context;
  await idle(context);
  const before = simulator.state();
  const statusBefore = await watch.poolStatus();
  const commandsBefore = redis.commandCount();
  const monitorBefore = monitor.snapshot();
  const startedAt = performance.now();
  const ends: number[] = [];
  const results = await Promise.all(
    Array.from({ length: size }, async (_, index) => {
      const result = context.checkContent(await gatewayChat(trio.urls[index % trio.urls.length]!, context.apiKey, context.body));
      ends.push(performance.now());
      return result;
    }),
  );
  const makespanMs = Math.max(...ends) - startedAt;
  const afterBurst = await watch.settle(30_000);
  const commands = redis.commandCount() - commandsBefore;
  const breakdown = difference(monitor.snapshot(), monitorBefore);
  const sessionsAfterBurst = await watch.gatewaySessions(afterBurst.state);
  await trio.keepalive();
  const afterKeepalive = await watch.settle(30_000);
  return {
    size,
    results,
    makespanMs,
    allCallsDoneMs: afterBurst.lastCallAt - startedAt,
    calls: callsBetween(before, afterBurst.state),
    sessionsCreated: afterBurst.state.sessionsCreated - before.sessionsCreated,
    rateLimited: afterKeepalive.state.rateLimited - before.rateLimited,
    sessionsAfterBurst,
    sessionsAfterKeepalive: await watch.gatewaySessions(afterKeepalive.state),
    pendingAfterBurst: afterBurst.status.pendingDeletes,
    pooledAfterBurst: afterBurst.status.pooled,
    pooledAfterKeepalive: afterKeepalive.status.pooled,
    poolHits: afterBurst.status.hits - statusBefore.hits,
    commands,
    breakdown,
    closestCallsMs: afterBurst.state.minArrivalGapMs ?? Number.NaN,
    problem: afterBurst.problem ?? afterKeepalive.problem,
  };
}

export interface NaiveBurst {
  size: number;
  results: DirectChatResult[];
  makespanMs: number;
  state: SimulatorState;
  /** Sessions the clients left (deleted afterwards by the benchmark, paced). */
  left: number;
}

/** `size` direct clients at once, each with the ancestor's pattern (delete right after the stream). */
export async function naiveBurst(context: Pick<MeasureContext, 'simulator' | 'direct' | 'upstreamText' | 'progress'>, size: number, spacingMs: number): Promise<NaiveBurst> {
  const startedAt = performance.now();
  const ends: number[] = [];
  const results = await Promise.all(
    Array.from({ length: size }, async () => {
      const result = await directChat({ ...context.direct, paceDelete: false }, context.upstreamText);
      ends.push(performance.now());
      return result;
    }),
  );
  const makespanMs = Math.max(...ends) - startedAt;
  // The naive clients are done: nothing will delete what they left.
  const state = context.simulator.state();
  const left = state.sessions.map((session) => session.id);
  if (left.length > 0) await removeSessions(context, left, spacingMs);
  return { size, results, makespanMs, state, left: left.length };
}

/** Deletes what naive clients left, paced and in one call (delSession takes several ids). */
async function removeSessions(context: Pick<MeasureContext, 'direct' | 'progress'>, ids: number[], spacingMs: number): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, spacingMs * (attempt + 1)));
    if ((await deleteSessions(context.direct, ids)).ok) return;
  }
  context.progress(`could not delete ${ids.length} session(s) left by the naive clients`);
}
