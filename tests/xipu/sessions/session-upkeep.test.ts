import { afterEach, describe, expect, it, vi } from 'vitest';
import { primaryXipuAccount } from '@/lib/gateway/build-gateway-context';
import { chatCompletions } from '@/lib/handlers/chat-completions';
import { createHealthRoutes } from '@/lib/handlers/health';
import { routeSet } from '@/lib/handlers/route-set';
import type { SlotReservation } from '@/lib/pacing/slot-schedule';
import { createMemoryStore } from '@/lib/store/memory-store';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import type { XipuAccount } from '@/lib/xipu/create-xipu-account';
import { runKeepalive } from '@/lib/xipu/keepalive/run-keepalive';
import { readSessionPoolStatus } from '@/lib/xipu/sessions/session-pool';
import type { SimulatorOptions } from '@/simulator/start-simulator';
import { callApi } from '@/tests/simulator/simulator-client';
import { failingStore } from '@/tests/support/failing-store';
import { startGatewayHarness, type GatewayHarness } from '@/tests/support/gateway-harness';
import { PER_CHAT_SESSIONS } from '@/tests/support/gateway-process';

/**
 * The warm pool and the batched deletes in use (lib/xipu/sessions/session-upkeep.ts): a gateway
 * wired like production over the real simulator, with the pool on (SESSION_POOL_SIZE=2,
 * SESSION_DELETE_BATCH=8). What the simulator saw — calls per endpoint, the sessions and how
 * many completions each answered, the delSession batches — and what the schedule granted (every
 * reserveSlot the store ran, every turn the pacer handed out) are the evidence.
 */

const POOL_ON = { SESSION_POOL_SIZE: '2', SESSION_DELETE_BATCH: '8' };
const MODEL = 'gpt-4.1';

/** One reserveSlot the store ran: who asked, when (the caller's clock), in which class, and the answer. */
interface Reservation {
  token: string;
  at: number;
  background: boolean;
  result: SlotReservation;
}

/** One turn the pacer handed out (or refused: slotAt undefined). */
interface Turn {
  call: string;
  background: boolean;
  slotAt?: number;
}

/** A memory store that remembers every script it ran, and each reserveSlot's arguments and answer. */
function recordingStore(inner: Store = createMemoryStore()) {
  const scripts: string[] = [];
  const reservations: Reservation[] = [];
  const store = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      if (property !== 'run') return (...args: unknown[]) => (value as (...parameters: unknown[]) => unknown).apply(target, args);
      return async (script: StoreScript<unknown>, keys: readonly string[], args: readonly (string | number)[]) => {
        scripts.push(script.name);
        const result = await target.run(script, keys, args);
        if (script.name === 'reserveSlot') {
          reservations.push({ token: String(args[0]), at: Number(args[1]), background: Number(args[7]) === 1, result: result as SlotReservation });
        }
        return result;
      };
    },
  });
  return { store, scripts, reservations };
}

let gateway: GatewayHarness | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function start(environment: Record<string, string> = POOL_ON, simulator: SimulatorOptions = {}, inner?: Store) {
  const recorded = recordingStore(inner);
  const harness = await startGatewayHarness({ environment, simulator, store: recorded.store });
  gateway = harness;
  const account = primaryXipuAccount(harness.context);
  // The provider and the upkeep share this pacer object: every turn of the account passes here.
  const turns: Turn[] = [];
  const waitForTurn = account.pacer.waitForTurn;
  account.pacer.waitForTurn = async (call, options) => {
    const background = options?.background === true;
    try {
      const turn = await waitForTurn(call, options);
      turns.push({ call, background, slotAt: turn.slotAt });
      return turn;
    } catch (error) {
      turns.push({ call, background });
      throw error;
    }
  };
  const spacingMs = harness.config.pacer.gapMs + harness.config.pacer.allowanceMs;
  return { harness, account, turns, spacingMs, ...recorded };
}

const user = (content: string) => ({ role: 'user', content });

/** A non-streaming chat through the harness's route (its after() tasks wait for settle()). */
async function chat(content: string, more: Record<string, unknown> = {}) {
  const response = await gateway!.chat({ model: MODEL, messages: [user(content)], ...more });
  return { status: response.status, body: (await response.json()) as { choices: Array<{ message: { content: string } }> } };
}

/** A chat through a route set of its own, whose after() tasks run only when the test says so. */
function chatWithOwnAfter(content: string) {
  const tasks: Array<() => Promise<void>> = [];
  const route = routeSet({ POST: chatCompletions }, { getContext: gateway!.routeOptions.getContext, defer: (task) => void tasks.push(task) });
  const body = route
    .POST(
      new Request('http://gateway.test/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, messages: [user(content)] }),
      }),
    )
    .then(async (response) => ({ status: response.status, body: (await response.json()) as { choices: Array<{ message: { content: string } }> } }));
  return {
    body,
    async after() {
      while (tasks.length > 0) await Promise.all(tasks.splice(0).map((task) => task()));
    },
  };
}

const sim = () => gateway!.simulator.state();
/** Upstream sessions by id → completions answered in it. */
const turnsBySession = () => Object.fromEntries(sim().sessions.map((session) => [session.id, session.turns]));
const poolStatus = (account: XipuAccount) => readSessionPoolStatus(account, account.settings.sessionPool, Date.now());
/** The registry's records: id → state (live for records without one). */
async function registryStates(account: XipuAccount): Promise<Record<string, string>> {
  const entries = await gateway!.store.hashGetAll(account.keys.upstreamSessions);
  return Object.fromEntries(Object.entries(entries).map(([field, raw]) => [field, (JSON.parse(raw) as { state?: string }).state ?? 'live']));
}
/** The slot a reservation was given (it must have been given one). */
function slotOf(entry: Reservation | undefined): number {
  if (entry?.result.status !== 'reserved') throw new Error(`no slot: ${JSON.stringify(entry)}`);
  return entry.result.slotAt;
}
/** The health check of the pool, as an admin sees it on GET /api/health. */
async function poolHealth(): Promise<{ level: string; reason: string }> {
  const routes = createHealthRoutes({ cacheMs: 0, isAdmin: async () => true }, gateway!.routeOptions);
  const body = (await (await routes.GET(new Request('http://gateway.test/api/health'))).json()) as { checks: Array<{ id: string; level: string; reason: string }> };
  return body.checks.find((check) => check.id === 'pool')!;
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = <T>(find: () => T | undefined): Promise<T> =>
  vi.waitFor(
    () => {
      const found = find();
      if (found === undefined) throw new Error('not yet');
      return found;
    },
    { timeout: 15_000, interval: 2 },
  );

describe('the warm pool', () => {
  it('fills after a first chat; chats with the same settings take a pooled session (no saveSession), and no session ever answers twice', async () => {
    const { account, turns } = await start();

    expect((await chat('SIM-REPLY: first')).body.choices[0]!.message.content).toBe('first');
    expect(sim().calls.saveSession).toBe(1);
    await gateway!.settle();
    // The chat's own session (1), then two refills (2, 3) in background turns.
    expect(sim().calls.saveSession).toBe(3);
    expect(turns.filter((turn) => turn.call === 'saveSession').map((turn) => turn.background)).toEqual([false, true, true]);
    expect(await registryStates(account)).toEqual({ 1: 'used', 2: 'pooled', 3: 'pooled' });
    expect(await poolStatus(account)).toMatchObject({ pooled: 2, pendingDeletes: 1, hits: 0, misses: 1, refills: 2 });

    for (let number = 2; number <= 5; number += 1) {
      const saveSessionsBefore = sim().calls.saveSession;
      const answered = turnsBySession();
      expect((await chat(`SIM-REPLY: chat ${number}`)).body.choices[0]!.message.content).toBe(`chat ${number}`);
      // A hit: the chat made no session of its own …
      expect(sim().calls.saveSession).toBe(saveSessionsBefore);
      // … and answered in the oldest pooled one: chat n in session n (1 was the first chat's, n + 2 refills chat n's).
      const now = turnsBySession();
      expect(Object.keys(now).filter((id) => now[id] !== answered[id])).toEqual([String(number)]);
      expect(Object.values(now).every((count) => count <= 1)).toBe(true);
      await gateway!.settle();
      // Its refill.
      expect(sim().calls.saveSession).toBe(saveSessionsBefore + 1);
    }

    expect(turnsBySession()).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 0, 7: 0 });
    expect(await registryStates(account)).toEqual({ 1: 'used', 2: 'used', 3: 'used', 4: 'used', 5: 'used', 6: 'pooled', 7: 'pooled' });
    expect(await poolStatus(account)).toMatchObject({ pooled: 2, pendingDeletes: 5, hits: 4, misses: 1, refills: 6 });
    // Five below the batch of eight, and none waited a minute: nothing deleted yet.
    expect(sim().calls.delSession).toBe(0);
    expect(sim().calls.completions).toBe(5);
    expect(sim().rateLimited).toBe(0);
  });

  it('a chat with another temperature or model misses and makes its own session in its own turn; the pool makes room for its settings when they miss twice in a row', async () => {
    const { account, turns } = await start();
    await chat('SIM-REPLY: warm-up');
    await gateway!.settle();
    expect(await registryStates(account)).toEqual({ 1: 'used', 2: 'pooled', 3: 'pooled' });
    turns.splice(0);

    expect((await chat('SIM-REPLY: cooler', { temperature: 0.3 })).body.choices[0]!.message.content).toBe('cooler');
    // Today's path: a saveSession in a normal turn, then completions in that session (4).
    expect(turns.map((turn) => [turn.call, turn.background])).toEqual([
      ['saveSession', false],
      ['completions', false],
    ]);
    expect(turnsBySession()).toEqual({ 1: 1, 2: 0, 3: 0, 4: 1 });
    await gateway!.settle();
    // The pool is full of other settings, and one miss may be a one-off: nothing is evicted.
    expect(await registryStates(account)).toEqual({ 1: 'used', 2: 'pooled', 3: 'pooled', 4: 'used' });

    // The same settings miss again (5): now its oldest (2) goes to the delete queue, and 6 is made with temperature 0.3.
    expect((await chat('SIM-REPLY: cooler twice', { temperature: 0.3 })).status).toBe(200);
    await gateway!.settle();
    expect(await registryStates(account)).toEqual({ 1: 'used', 2: 'used', 3: 'pooled', 4: 'used', 5: 'used', 6: 'pooled' });
    expect(await poolStatus(account)).toMatchObject({ hits: 0, misses: 3, pooled: 2 });

    // The same temperature again is a hit on 6; the first settings still find 3.
    const saveSessionsBefore = sim().calls.saveSession;
    await chat('SIM-REPLY: cooler again', { temperature: 0.3 });
    await chat('SIM-REPLY: default again');
    expect(sim().calls.saveSession).toBe(saveSessionsBefore);
    expect(turnsBySession()).toMatchObject({ 3: 1, 6: 1 });
    await gateway!.settle();

    // Another model misses too.
    const beforeNano = sim().calls.saveSession;
    expect((await chat('SIM-REPLY: small', { model: 'gpt-4.1-nano' })).status).toBe(200);
    expect(sim().calls.saveSession).toBe(beforeNano + 1);
    const nanoSessions = sim().sessions.filter((session) => session.model === 'gpt-4.1-nano');
    expect(nanoSessions.map((session) => session.turns)).toEqual([1]);
    expect(await poolStatus(account)).toMatchObject({ hits: 2, misses: 4 });
    await gateway!.settle();
    expect(Object.values(turnsBySession()).every((count) => count <= 1)).toBe(true);
    expect(sim().rateLimited).toBe(0);
  });

  it('with SESSION_POOL_SIZE=0 no claim command is ever sent, and every chat makes its own session', async () => {
    const { account, scripts } = await start({ SESSION_POOL_SIZE: '0', SESSION_DELETE_BATCH: '8' });
    await chat('SIM-REPLY: one');
    await gateway!.settle();
    await chat('SIM-REPLY: two');
    await gateway!.settle();
    expect(scripts.filter((name) => name === 'claimPooledSession')).toEqual([]);
    expect(sim().calls.saveSession).toBe(2);
    expect(await registryStates(account)).toEqual({ 1: 'used', 2: 'used' });
    expect(await poolStatus(account)).toMatchObject({ pooled: 0, refilling: 0, hits: 0, misses: 0, refills: 0 });
  });

  it('with PER_CHAT_SESSIONS (pool 0, batch 1) each session is deleted after its chat, without a claim', async () => {
    const { account, scripts } = await start({ ...PER_CHAT_SESSIONS });
    await chat('SIM-REPLY: one');
    await gateway!.settle();
    await chat('SIM-REPLY: two');
    await gateway!.settle();
    expect(scripts.filter((name) => name === 'claimPooledSession')).toEqual([]);
    expect(sim().delSessionBatches).toEqual({ calls: 2, idsPerCall: [1, 1] });
    expect(sim().sessionsOpen).toBe(0);
    expect(await registryStates(account)).toEqual({});
  });
});

describe('refills and batched deletes take background turns only', () => {
  it('never ahead of a chat waiting for its slot: refused while chats wait, the refill gives up at once', async () => {
    // A wide spacing (0.7 s), so the chats below surely queue behind one another.
    const { account, turns, reservations, spacingMs } = await start({ ...POOL_ON, UPSTREAM_MIN_GAP_MS: '400', UPSTREAM_ANSWER_ALLOWANCE_MS: '300' });
    await chat('SIM-REPLY: warm-up');
    await gateway!.settle();
    expect(await registryStates(account)).toEqual({ 1: 'used', 2: 'pooled', 3: 'pooled' });
    const refillsBefore = (await poolStatus(account)).refills;
    reservations.splice(0);
    turns.splice(0);
    // A request's calls name its client and arrival first (fair queuing: queueToken).
    const callOf = (token: string) => token.split('|').at(-1)!;
    const booked = (prefix: string) => reservations.filter((entry) => callOf(entry.token).startsWith(prefix) && !entry.background && entry.result.status === 'reserved');
    const firstBookingOf = (token: string) => reservations.find((entry) => entry.token === token && entry.result.status === 'reserved');

    // A takes pooled session 2 and answers; its after() (its session's retirement, the refills) waits.
    const a = chatWithOwnAfter('SIM-REPLY: A');
    expect((await a.body).status).toBe(200);
    const aCompletions = booked('completions:')[0]!;
    // B takes pooled session 3 and queues one spacing behind A's completions; C finds the pool
    // empty and queues its saveSession behind B.
    const b = gateway!.chat({ model: MODEL, messages: [user('SIM-REPLY: B')] }).then((response) => response.json());
    const bCompletions = await until(() => booked('completions:')[1]);
    const c = gateway!.chat({ model: MODEL, messages: [user('SIM-REPLY: C')] }).then((response) => response.json());
    const cSaveSession = await until(() => booked('saveSession:')[0]);
    expect(slotOf(bCompletions)).toBe(slotOf(aCompletions) + spacingMs);
    expect(slotOf(cSaveSession)).toBe(slotOf(bCompletions) + spacingMs);
    // Both are still waiting for their slots.
    expect(bCompletions.at).toBeLessThan(slotOf(bCompletions));

    // Now A's after(): its refill asks for a turn (from one spacing after A's completions) and is
    // refused while B and C wait.
    const afterA = a.after();
    const refused = await until(() => reservations.find((entry) => entry.background && callOf(entry.token).startsWith('saveSession:') && entry.result.status === 'refused'));
    // D asks after the refill was refused: D is served, the refill is not in its way.
    const d = gateway!.chat({ model: MODEL, messages: [user('SIM-REPLY: D')] }).then((response) => response.json());
    await Promise.all([b, c, d, afterA]);
    await gateway!.settle();

    // Refused because chats were waiting, the refill gave up at once: one ask, no retries.
    expect(refused.result).toMatchObject({ status: 'refused', othersWait: true });
    expect(reservations.filter((entry) => entry.token === refused.token)).toHaveLength(1);
    const dSaveSession = booked('saveSession:').find((entry) => entry.at > refused.at);
    expect(dSaveSession, "D's saveSession was booked after the refill's refusal").toBeDefined();
    // B and C started exactly when the schedule first gave them (nothing got in ahead).
    for (const token of [bCompletions.token, cSaveSession.token]) {
      const granted = turns.find((turn) => turn.slotAt === slotOf(firstBookingOf(token)) && !turn.background);
      expect(granted, token).toBeDefined();
    }

    // The same holds for every background turn of the test (the later refills, too), and each refill
    // made took a background turn.
    for (const background of reservations.filter((entry) => entry.background && entry.result.status === 'reserved')) {
      for (const entry of reservations.filter((other) => !other.background && other.result.status === 'reserved' && other.at <= background.at)) {
        expect(slotOf(entry) + spacingMs).toBeLessThanOrEqual(slotOf(background));
      }
    }
    const madeRefills = (await poolStatus(account)).refills - refillsBefore;
    expect(madeRefills).toBeGreaterThanOrEqual(1);
    expect(turns.filter((turn) => turn.call === 'saveSession' && turn.background && turn.slotAt !== undefined)).toHaveLength(madeRefills);
    // The chats' own saveSessions (C's and D's: the pool was empty) in normal turns.
    expect(turns.filter((turn) => turn.call === 'saveSession' && !turn.background)).toHaveLength(2);
    expect(sim().rateLimited).toBe(0);
  });

  it('deletes in batches: the eighth chat\'s end deletes all eight used sessions in one delSession call, in a background turn', async () => {
    const { account, turns } = await start();
    const usedSessions: number[] = [];
    for (let number = 1; number <= 8; number += 1) {
      const before = turnsBySession();
      await chat(`SIM-REPLY: chat ${number}`);
      const after = turnsBySession();
      usedSessions.push(...Object.keys(after).filter((id) => after[id] !== before[id]).map(Number));
      if (number < 8) {
        await gateway!.settle();
        expect(sim().calls.delSession).toBe(0);
      }
    }
    expect(usedSessions).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    await gateway!.settle();

    expect(sim().delSessionBatches).toEqual({ calls: 1, idsPerCall: [8] });
    expect(sim().sessionsDeleted).toBe(8);
    // What is left upstream and in the registry: the pool, never used.
    const left = sim().sessions;
    expect(left.every((session) => session.turns === 0)).toBe(true);
    expect(left.some((session) => usedSessions.includes(session.id))).toBe(false);
    expect(await registryStates(account)).toEqual(Object.fromEntries(left.map((session) => [String(session.id), 'pooled'])));
    expect(left).toHaveLength(2);
    expect(turns.filter((turn) => turn.call === 'delSession')).toEqual([{ call: 'delSession', background: true, slotAt: expect.any(Number) }]);
    expect(sim().rateLimited).toBe(0);
  });

  it('a queue below the batch is deleted by the keep-alive, leaving only the pool, never used', async () => {
    const { account } = await start();
    for (let number = 1; number <= 3; number += 1) {
      await chat(`SIM-REPLY: chat ${number}`);
      await gateway!.settle();
    }
    expect(sim().calls.delSession).toBe(0);
    expect(await registryStates(account)).toEqual({ 1: 'used', 2: 'used', 3: 'used', 4: 'pooled', 5: 'pooled' });

    const report = await runKeepalive({ account });

    expect(report.sweep).toEqual({ deleted: 3 });
    // The pool was full: nothing to top up.
    expect(report.pool).toEqual({ refilled: 0 });
    expect(sim().delSessionBatches).toEqual({ calls: 1, idsPerCall: [3] });
    expect(await registryStates(account)).toEqual({ 4: 'pooled', 5: 'pooled' });
    // Upstream: the pool and the keep-alive's own heartbeat session.
    const heartbeat = report.heartbeat.status === 'ok' ? report.heartbeat : undefined;
    expect(heartbeat?.action).toBe('created');
    expect(sim().sessions.filter((session) => session.createdBy === 'api' && !session.name.startsWith('Persistent Heartbeat')).map((session) => [session.id, session.turns])).toEqual([
      [4, 0],
      [5, 0],
    ]);
    expect(sim().rateLimited).toBe(0);
  });
});

describe('one batched delete at a time per account', () => {
  it('two chat ends that both find the queue due make one delSession, in one turn, and leave no lock behind', async () => {
    // No pool (nothing runs ahead of the flushes) and batches of two: both ends below flush at once.
    const { account, turns } = await start({ SESSION_POOL_SIZE: '0', SESSION_DELETE_BATCH: '2' });
    await chat('SIM-REPLY: first');
    await gateway!.settle();
    expect(await registryStates(account)).toEqual({ 1: 'used' });
    const second = chatWithOwnAfter('SIM-REPLY: second');
    expect((await second.body).status).toBe(200);
    const third = chatWithOwnAfter('SIM-REPLY: third');
    expect((await third.body).status).toBe(200);
    turns.splice(0);

    // Both ends queue their session (two and three pending: each is due) and flush together.
    await Promise.all([second.after(), third.after()]);

    expect(sim().delSessionBatches.calls).toBe(1);
    // The second flush found the lock taken and left the queue to the first: it took no turn
    // (not even one given back) that a request could have had to wait behind.
    expect(turns.filter((turn) => turn.call === 'delSession')).toEqual([{ call: 'delSession', background: true, slotAt: expect.any(Number) }]);
    expect(await gateway!.store.get(account.keys.sessionDeleteLock)).toBeNull();
    expect(sim().rateLimited).toBe(0);
  });
});

describe('when the pool meets trouble', () => {
  it('a pooled session deleted behind the gateway\'s back: completions fails in it, the chat succeeds on a fresh session, and the gone one is forgotten', async () => {
    // XIPU refusing a batch with an unknown id: a delete queued for the gone session would show.
    const { account, harness } = await start(POOL_ON, { delSessionUnknownIds: 'refuse' });
    await chat('SIM-REPLY: warm-up');
    await gateway!.settle();
    expect(await registryStates(account)).toEqual({ 1: 'used', 2: 'pooled', 3: 'pooled' });

    // The owner deletes session 2 (the next to be claimed) in the web history.
    await pause(harness.config.pacer.gapMs + harness.config.pacer.allowanceMs);
    const ownerDelete = await callApi(harness.simulator, 'delSession', { ids: [2] }, harness.config.xipu.manualCredentials!);
    expect(await ownerDelete.json()).toEqual({ code: 0, msg: 'success' });
    await pause(harness.config.pacer.gapMs + harness.config.pacer.allowanceMs);

    const completionsBefore = sim().calls.completions;
    const reply = await chat('SIM-REPLY: still answered');
    expect(reply.status).toBe(200);
    expect(reply.body.choices[0]!.message.content).toBe('still answered');
    // Completions in 2 (refused: Session not found), then a fresh session (4) and completions there.
    expect(sim().calls.completions).toBe(completionsBefore + 2);
    expect(turnsBySession()).toEqual({ 1: 1, 3: 0, 4: 1 });
    await gateway!.settle();
    expect(await poolStatus(account)).toMatchObject({ hits: 1, misses: 1 });
    // Session 2 was forgotten at close, not queued for a delete: only 1 and 4 are.
    expect(await registryStates(account)).toEqual({ 1: 'used', 3: 'pooled', 4: 'used', 5: 'pooled' });
    const deletesBefore = sim().delSessionBatches.calls;
    expect((await runKeepalive({ account })).sweep).toEqual({ deleted: 2 });
    // One batch of the two, accepted (a batch carrying 2 would have been refused and split).
    expect(sim().delSessionBatches.idsPerCall.slice(deletesBefore)).toEqual([2]);
    expect(sim().rateLimited).toBe(0);
  });

  it('a pooled session whose completions answers HTTP 500 is not retried on a fresh one: the client gets the error', async () => {
    const { account } = await start();
    await chat('SIM-REPLY: warm-up');
    await gateway!.settle();
    expect(await registryStates(account)).toEqual({ 1: 'used', 2: 'pooled', 3: 'pooled' });

    gateway!.simulator.injectFaults({ endpoint: 'completions', kind: 'status', status: 500, body: 'Internal Server Error' });
    const saveSessionsBefore = sim().calls.saveSession;
    const completionsBefore = sim().calls.completions;
    const response = await gateway!.chat({ model: MODEL, messages: [user('SIM-REPLY: never')] });
    // A server error is no fault of the session: another session would not help.
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('upstream_error');
    expect(sim().calls.saveSession).toBe(saveSessionsBefore);
    expect(sim().calls.completions).toBe(completionsBefore + 1);
    await gateway!.settle();
    // Session 2 still exists upstream: it goes to the delete queue like any used one.
    expect(await registryStates(account)).toMatchObject({ 2: 'used' });
    expect(sim().rateLimited).toBe(0);
  });

  it('a refill whose saveSession meets an HTTP 500 is no refill error of the pool; one XIPU refuses is', async () => {
    const { account } = await start();
    await chat('SIM-REPLY: first');
    // The chat's own saveSession is done: the next one is its end's first refill.
    gateway!.simulator.injectFaults({ endpoint: 'saveSession', kind: 'status', status: 500, body: 'Internal Server Error' });
    await gateway!.settle();
    const afterServerError = await poolStatus(account);
    expect(afterServerError).toMatchObject({ pooled: 0, refilling: 0, refills: 0, refillFailures: 0 });
    expect(afterServerError.refillError).toBeUndefined();
    expect(await poolHealth()).toMatchObject({ level: 'green' });

    await chat('SIM-REPLY: second');
    gateway!.simulator.injectFaults({ endpoint: 'saveSession', kind: 'refuse', msg: 'System busy' });
    await gateway!.settle();
    expect(await poolStatus(account)).toMatchObject({ pooled: 0, refills: 0, refillFailures: 1, refillError: { message: 'System busy' } });
    expect(await poolHealth()).toMatchObject({ level: 'amber', reason: expect.stringContaining('System busy') });
    // Each end tried one refill (its second was given up after the first failed).
    expect(sim().calls.saveSession).toBe(4);
    expect(sim().rateLimited).toBe(0);
  });

  it('a refill whose deposit fails deletes its new session directly: nothing is left upstream for it', async () => {
    const { account } = await start(POOL_ON, {}, failingStore('depositPooledSession', 1));
    await chat('SIM-REPLY: first');
    await gateway!.settle();
    // The chat's session (1) and the refill's (2), whose deposit failed; the second refill was given up.
    expect(sim().calls.saveSession).toBe(2);
    expect(sim().delSessionBatches).toEqual({ calls: 1, idsPerCall: [1] });
    expect(sim().sessions.map((session) => session.id)).toEqual([1]);
    expect(await registryStates(account)).toEqual({ 1: 'used' });
    expect(await poolStatus(account)).toMatchObject({ pooled: 0, refilling: 0, refills: 0 });
    expect(sim().rateLimited).toBe(0);
  });

  it('at the 50-session cap, a chat the pool has no session for gets one: the pool\'s idle sessions are deleted to make room', async () => {
    const { account, harness } = await start();
    harness.simulator.createBrowserSessions({ count: 46 });
    await chat('SIM-REPLY: warm-up');
    await gateway!.settle();
    // The keep-alive deletes the warm-up's session and creates its heartbeat session: 46 + 2 pooled + 1.
    expect((await runKeepalive({ account })).sweep).toEqual({ deleted: 1 });
    const pooledIds = Object.keys(await registryStates(account)).map(Number);
    expect(await registryStates(account)).toEqual(Object.fromEntries(pooledIds.map((id) => [String(id), 'pooled'])));
    expect(pooledIds).toHaveLength(2);
    // The owner opens one more chat in the browser: the account is at the cap.
    harness.simulator.createBrowserSessions({ count: 1 });
    expect(sim().sessionsOpen).toBe(50);
    await pause(harness.config.pacer.gapMs + harness.config.pacer.allowanceMs);

    const reply = await chat('SIM-REPLY: room made', { temperature: 0.3 });
    expect(reply.status).toBe(200);
    expect(reply.body.choices[0]!.message.content).toBe('room made');
    // The refused saveSession, one delSession of the two pooled sessions, and the saveSession that worked.
    expect(sim().calls.saveSession).toBe(3 + 1 + 2);
    expect(sim().delSessionBatches.idsPerCall.at(-1)).toBe(2);
    expect(sim().sessions.some((session) => pooledIds.includes(session.id))).toBe(false);
    expect(sim().sessionsOpen).toBe(49);
    await gateway!.settle();
    expect(sim().rateLimited).toBe(0);
  });

  it('a refill refused at the 50-session cap is the pool\'s refill error, chats still succeed, and the keep-alive refills once there is room', async () => {
    const { account, harness } = await start();
    // The owner's browser holds 49 sessions: the first chat's own session is the 50th.
    const browserSessions = harness.simulator.createBrowserSessions({ count: 49 });
    expect(browserSessions).toHaveLength(49);

    expect((await chat('SIM-REPLY: at the cap')).body.choices[0]!.message.content).toBe('at the cap');
    await gateway!.settle();
    const capMessage = 'You have created 50 sessions, please delete some of them first!';
    expect(await poolStatus(account)).toMatchObject({ pooled: 0, refilling: 0, refills: 0, refillFailures: 1, refillError: { message: capMessage } });
    // One refill tried and refused; the second was given up without a call.
    expect(sim().calls.saveSession).toBe(2);

    // The next chat meets the cap itself: it sweeps the first chat's session and goes on.
    const second = await chat('SIM-REPLY: still at the cap');
    expect(second.status).toBe(200);
    expect(second.body.choices[0]!.message.content).toBe('still at the cap');
    await gateway!.settle();
    expect(await poolStatus(account)).toMatchObject({ pooled: 0, refillFailures: 2, refillError: { message: capMessage } });

    // The owner clears the history; the keep-alive sweeps the queue and tops the pool up.
    await pause(harness.config.pacer.gapMs + harness.config.pacer.allowanceMs);
    const cleared = await callApi(harness.simulator, 'delSession', { ids: browserSessions }, harness.config.xipu.manualCredentials!);
    expect(await cleared.json()).toEqual({ code: 0, msg: 'success' });
    await pause(harness.config.pacer.gapMs + harness.config.pacer.allowanceMs);
    const report = await runKeepalive({ account });
    expect(report.sweep).toEqual({ deleted: 1 });
    expect(report.pool).toEqual({ refilled: 2 });
    const status = await poolStatus(account);
    expect(status).toMatchObject({ pooled: 2, refills: 2, refillFailures: 2 });
    expect(status.refillError).toBeUndefined();
    expect(sim().rateLimited).toBe(0);
  });
});
