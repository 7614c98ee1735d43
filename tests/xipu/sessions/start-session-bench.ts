import { createPacer, type Pacer, type UpstreamCall } from '@/lib/pacing/pacer';
import { createMemoryStore } from '@/lib/store/memory-store';
import { accountStore } from '@/lib/xipu/account/account-store';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import type { XipuApiOptions } from '@/lib/xipu/api/xipu-api';
import type { CurrentCredentials } from '@/lib/xipu/sessions/session-lifecycle';
import { createSessionRegistry } from '@/lib/xipu/sessions/session-registry';
import { startSimulator, type Endpoint, type SimulatorHandle, type SimulatorOptions } from '@/simulator/start-simulator';

/**
 * The real parts one upstream session lives among, for the session unit tests: the simulator
 * over HTTP, the real schedule (`createPacer` on a memory store) and the real registry on the
 * same store. The simulator's frequency limit sits just under the schedule's gap, so a call
 * that skipped its turn would meet a 429 (and `rateLimited` would count it).
 */

export const SIMULATOR_GAP_MS = 20;
export const SCHEDULE_GAP_MS = 30;

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SessionBenchOptions {
  simulator?: SimulatorOptions;
  /** The registry's lease; default a minute, so nothing lapses unless a test says so. */
  leaseMs?: number;
  serializeStreams?: boolean;
  holdLeaseMs?: number;
  maxWaitMs?: number;
}

/** One turn the schedule handed out, in order. */
export interface GrantedTurn {
  call: UpstreamCall;
  slotAt: number;
}

/** Runs just before a call to `endpoint` leaves (its `number`-th of this bench), e.g. to queue a fault for exactly it. */
export type BeforeCall = (endpoint: Endpoint, number: number) => void | Promise<void>;

export async function startSessionBench(options: SessionBenchOptions = {}) {
  const simulator: SimulatorHandle = await startSimulator({ minGapMs: SIMULATOR_GAP_MS, chunkDelayMs: 1, ...options.simulator });
  const store = createMemoryStore();
  const account = accountStore(store);
  const schedule = createPacer({
    store,
    key: 'session-bench:pacer',
    gapMs: SCHEDULE_GAP_MS,
    allowanceMs: 10,
    maxWaitMs: options.maxWaitMs ?? 10_000,
    serializeStreams: options.serializeStreams ?? false,
    holdLeaseMs: options.holdLeaseMs,
  });
  const turns: GrantedTurn[] = [];
  const pacer: Pacer = {
    async waitForTurn(call, turnOptions) {
      const turn = await schedule.waitForTurn(call, turnOptions);
      turns.push({ call, slotAt: turn.slotAt });
      return turn;
    },
    earliestStart: () => schedule.earliestStart(),
  };
  const registry = createSessionRegistry(account, Date.now, options.leaseMs ?? 60_000);

  const storedCredentials = (lifetimeSeconds?: number): StoredCredentials => {
    const { jmToken, sdpSession } = simulator.mintCredentials({ lifetimeSeconds });
    return { jmToken, sdpSession, origin: 'env' };
  };
  const auth: CurrentCredentials = { credentials: storedCredentials() };

  let beforeCall: BeforeCall = () => undefined;
  const callsSoFar: Record<Endpoint, number> = { saveSession: 0, completions: 0, delSession: 0 };
  const api: XipuApiOptions = {
    apiBase: simulator.apiBase,
    portalUrl: simulator.portalUrl,
    credentials: auth.credentials,
    firstByteTimeoutMs: 5_000,
    idleTimeoutMs: 5_000,
    fetch: async (input, init) => {
      const endpoint = new URL(String(input)).pathname.split('/').pop() as Endpoint;
      callsSoFar[endpoint] += 1;
      await beforeCall(endpoint, callsSoFar[endpoint]);
      return fetch(input, init);
    },
  };

  return {
    simulator,
    store,
    account,
    pacer,
    /** The schedule itself, unwrapped (for the hold probes). */
    schedule,
    turns,
    registry,
    auth,
    api,
    /** A fresh pair from the simulator (≤ 0 s: already expired). */
    storedCredentials,
    onCall(hook: BeforeCall) {
      beforeCall = hook;
    },
    /** The upstream session ids, of every creator. */
    upstreamIds: () => simulator.state().sessions.map((session) => session.id),
    /** After an unpaced set-up call (the test's own): leave the account a gap before the next paced one. */
    afterUnpacedCall: () => pause(SCHEDULE_GAP_MS),
    close: () => simulator.close(),
  };
}

export type SessionBench = Awaited<ReturnType<typeof startSessionBench>>;
