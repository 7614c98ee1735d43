/**
 * Section 5 of `npm run bench`: the warm session pool (issue 11), side by side — the ancestor
 * adapter's pattern as a direct client, the gateway with the pool off and with the pool on —
 * against the targets.
 */
import { failures, totalCalls, ttftOf, type GatewayBurst, type IdleChats, type NaiveBurst, type SustainedChats } from './measure';
import { median, ms, p95, seconds, signedMs, table } from './stats';

/** The targets, for the pool on. */
export const POOL_TARGETS = {
  /** Time a pool hit adds to the first token, median. */
  addedTtftMs: 50,
  /** Sustained upstream calls per chat (3.0 before the pool). */
  callsPerChat: 2.2,
  /** A burst's makespan against B × calls per chat × gap. */
  burstOverFloor: 1.1,
} as const;

/** The upstream calls per chat of the ancestor's pattern: saveSession, completions, delSession. */
export const ANCESTOR_CALLS_PER_CHAT = 3;

export interface PoolColumn {
  idle: IdleChats;
  sustained: SustainedChats;
  burst: GatewayBurst;
}

export interface PoolSectionInput {
  gapMs: number;
  poolSize: number;
  deleteBatch: number;
  requests: number;
  /** Phase one: the ancestor-direct chats and the pool-off gateway, interleaved (section 1). */
  poolOff: PoolColumn;
  naive: NaiveBurst;
  poolOn: PoolColumn;
}

const pair = (first: string, second: string) => `${first} / ${second}`;
const medianP95 = (values: readonly number[]) => pair(ms(median(values)), ms(p95(values)));
const addedMedianP95 = (values: readonly number[], baseline: readonly number[]) =>
  pair(signedMs(median(values) - median(baseline)), signedMs(p95(values) - p95(baseline)));
const verdict = (met: boolean) => (met ? 'yes' : 'NO');
const callsPerChat = (sustained: SustainedChats) => totalCalls(sustained.calls) / sustained.chats;
const floorMs = (size: number, perChat: number, gapMs: number) => size * perChat * gapMs;

/** TTFT of the gateway chats that claimed a pooled session. */
function hitTtft(idle: IdleChats): number[] {
  return ttftOf(idle.gateway.filter((_, index) => idle.poolHit[index]));
}

export function reportPoolSection(input: PoolSectionInput): string[] {
  const { poolOff, poolOn, naive, gapMs } = input;
  const baselineOff = ttftOf(poolOff.idle.bare);
  const baselineOn = ttftOf(poolOn.idle.bare);
  const ancestorTtft = ttftOf(poolOff.idle.ancestor);
  const offTtft = ttftOf(poolOff.idle.gateway);
  const onTtft = ttftOf(poolOn.idle.gateway);
  const onHitTtft = hitTtft(poolOn.idle);
  const hits = poolOn.idle.poolHit.filter(Boolean).length;

  const ancestorPerChat = poolOff.idle.ancestorCalls / Math.max(1, poolOff.idle.ancestor.length);
  const offPerChat = callsPerChat(poolOff.sustained);
  const onPerChat = callsPerChat(poolOn.sustained);
  const naiveFloor = floorMs(naive.size, ANCESTOR_CALLS_PER_CHAT, gapMs);
  const offFloor = floorMs(poolOff.burst.size, offPerChat, gapMs);
  const onFloor = floorMs(poolOn.burst.size, onPerChat, gapMs);
  const onRatio = poolOn.burst.makespanMs / onFloor;
  const onAdded = median(onHitTtft) - median(baselineOn);
  const B = poolOn.burst.size;
  const M = poolOn.sustained.chats;

  const lines: string[] = [];
  lines.push(`5. Warm session pool: the ancestor's pattern as a direct client, the gateway with the pool off and with the pool on`);
  lines.push(
    `  ancestor direct: saveSession, wait one gap after its answer, completions, delSession — section 1's direct client (its delete paced one gap, which the ancestor`,
    `    did not do: that touches neither the first token nor the call count; the burst column is section 2's naive burst, deletes unpaced as the ancestor's).`,
    `  pool off: SESSION_POOL_SIZE=0, SESSION_DELETE_BATCH=${input.deleteBatch} (default) — the trio of sections 1–4: every chat creates its own session, deletes batched.`,
    `  pool on: the defaults (SESSION_POOL_SIZE=${input.poolSize}, SESSION_DELETE_BATCH=${input.deleteBatch}) — three processes of their own, started after the first three stopped, on an emptied Redis and a reset simulator.`,
    `  "added" is against the baseline: the direct client's bare completions into a session made beforehand, on an idle account (what the model itself takes),`,
    `    measured interleaved with the chats of the same phase (${input.requests} each, account idle before each; the pool on refilled before each).`,
  );
  const sustainedLabel = `upstream calls per chat: ${M} chats back to back, then the keep-alive`;
  const rows: string[][] = [
    ['bare completions TTFT (baseline), median / p95', medianP95(baselineOff), medianP95(baselineOff), medianP95(baselineOn), '', ''],
    ['TTFT on an idle account, median / p95', medianP95(ancestorTtft), medianP95(offTtft), medianP95(onTtft), '', ''],
    [
      'added to the first token, median / p95',
      addedMedianP95(ancestorTtft, baselineOff),
      addedMedianP95(offTtft, baselineOff),
      `${addedMedianP95(onHitTtft, baselineOn)} (${hits}/${poolOn.idle.gateway.length} hits)`,
      `≤ ${POOL_TARGETS.addedTtftMs} ms median, on a hit`,
      verdict(onAdded <= POOL_TARGETS.addedTtftMs && hits > 0),
    ],
    [
      sustainedLabel,
      `${ancestorPerChat.toFixed(2)} (section 1)`,
      offPerChat.toFixed(2),
      onPerChat.toFixed(2),
      `≤ ${POOL_TARGETS.callsPerChat} (was 3.0)`,
      verdict(onPerChat <= POOL_TARGETS.callsPerChat),
    ],
    [
      '  TTFT of those chats, median / p95',
      '–',
      medianP95(poolOff.sustained.ttftMs),
      `${medianP95(poolOn.sustained.ttftMs)} (${poolOn.sustained.poolHits}/${M} hits)`,
      '',
      '',
    ],
    [
      '  Redis commands per chat',
      '–',
      (poolOff.sustained.commands / poolOff.sustained.chats).toFixed(2),
      (poolOn.sustained.commands / M).toFixed(2),
      '',
      '',
    ],
    [
      `burst of ${B} over 3 processes: makespan`,
      seconds(naive.makespanMs),
      seconds(poolOff.burst.makespanMs),
      seconds(poolOn.burst.makespanMs),
      '',
      '',
    ],
    [
      `  floor: ${B} × calls per chat × gap`,
      seconds(naiveFloor),
      seconds(offFloor),
      seconds(onFloor),
      '',
      '',
    ],
    [
      '  makespan ÷ floor',
      (naive.makespanMs / naiveFloor).toFixed(2),
      (poolOff.burst.makespanMs / offFloor).toFixed(2),
      onRatio.toFixed(2),
      `≤ ${POOL_TARGETS.burstOverFloor.toFixed(2)}`,
      verdict(onRatio <= POOL_TARGETS.burstOverFloor),
    ],
    ['  upstream 429s', String(naive.state.rateLimited), String(poolOff.burst.rateLimited), String(poolOn.burst.rateLimited), '0', verdict(poolOn.burst.rateLimited === 0)],
    [
      '  client failures',
      String(failures(naive.results)),
      String(failures(poolOff.burst.results)),
      String(failures(poolOn.burst.results)),
      '0',
      verdict(failures(poolOn.burst.results) === 0),
    ],
    [
      '  sessions left: after the burst / after the keep-alive',
      pair(String(naive.left), '–'),
      pair(String(poolOff.burst.sessionsAfterBurst), String(poolOff.burst.sessionsAfterKeepalive)),
      pair(String(poolOn.burst.sessionsAfterBurst), String(poolOn.burst.sessionsAfterKeepalive)),
      `the pool only: ${input.poolSize}`,
      verdict(poolOn.burst.sessionsAfterKeepalive === input.poolSize),
    ],
  ];
  lines.push(table(['', 'ancestor direct', 'pool off', 'pool on', 'target (pool on)', 'met'], rows));

  const describeSustained = (name: string, sustained: SustainedChats) =>
    `  ${name}: ${sustained.chats} chats in ${seconds(sustained.durationMs)}; saveSession ${sustained.calls.saveSession}, completions ${sustained.calls.completions}, ` +
    `delSession ${sustained.calls.delSession} (the keep-alive's sweep, ${sustained.keepaliveDeleted} session(s), included; its heartbeat's ${sustained.heartbeatCalls} saveSession not); ` +
    `pool hits ${sustained.poolHits}, misses ${sustained.poolMisses}; at most ${sustained.peakSessions} gateway sessions at once; 429s ${sustained.rateLimited}, failures ${sustained.failures}` +
    (sustained.firstFailure ? `; first failure: ${sustained.firstFailure}` : '');
  const describeBurst = (name: string, burst: GatewayBurst) =>
    `  ${name}: ${burst.sessionsCreated} sessions created, pool hits ${burst.poolHits}; until settled: saveSession ${burst.calls.saveSession}, completions ${burst.calls.completions}, ` +
    `delSession ${burst.calls.delSession}; all calls done ${seconds(burst.allCallsDoneMs)}; settled: ${burst.pooledAfterBurst} pooled, ${burst.pendingAfterBurst} pending delete(s); ` +
    `after the keep-alive ${burst.pooledAfterKeepalive} pooled` +
    (burst.problem ? `; ${burst.problem}` : '');
  lines.push(
    `  sustained (calls per chat = saveSession + completions + delSession the simulator saw, ÷ ${M}):`,
    describeSustained('pool off', poolOff.sustained),
    describeSustained('pool on', poolOn.sustained),
    `  burst (sessions left: the gateway's on the simulator once the account settled, then after the keep-alive; the heartbeat session not counted):`,
    describeBurst('pool off', poolOff.burst),
    describeBurst('pool on', poolOn.burst),
  );
  const misses = poolOn.idle.gateway.length - hits;
  if (misses > 0) {
    lines.push(`  pool on, idle chats: ${misses} miss(es) (a chat that found no pooled session and made its own); TTFT of all its idle chats ${medianP95(onTtft)}.`);
  }
  const idle429s = poolOff.idle.gateway429s + poolOff.idle.ancestor429s + poolOn.idle.gateway429s;
  lines.push(`  upstream 429s in the idle chats: ${idle429s}; idle-chat failures: pool off ${failures(poolOff.idle.gateway)}, pool on ${failures(poolOn.idle.gateway)}.`);
  return lines;
}
