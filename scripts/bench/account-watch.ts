import type { SimulatorHandle, SimulatorState } from '@/simulator/start-simulator';
import type { Store } from '@/lib/store/store';
import { SESSION_POOL_DEFAULTS, type SessionPoolPolicy } from '@/lib/xipu/account/account-settings';
import { accountStore, type AccountStore } from '@/lib/xipu/account/account-store';
import { readHeartbeatSessionId } from '@/lib/xipu/keepalive/beat-heartbeat';
import { readSessionPoolStatus, type SessionPoolStatus } from '@/lib/xipu/sessions/session-pool';
import { connectResp, RespError, type RespClient, type RespValue } from '../../tests/support/resp-client';

/**
 * The benchmark's view of the XIPU account: the simulator's counters and the gateway's
 * session registry, read straight from redis-server on a connection of its own — not through
 * the Upstash bridge, so it never shows in the "Redis commands per chat"; the MONITOR is told
 * to leave it out (`address`). The registry is read as the admin page reads it
 * (readSessionPoolStatus), so "pooled", "in flight" and "pending deletes" mean the same.
 */
export interface AccountWatch {
  /** This connection as redis-server names it (`127.0.0.1:PORT`). */
  readonly address: string;
  /** The pool and the delete queue now, for the policy of the gateways running. */
  poolStatus(): Promise<SessionPoolStatus>;
  /** Sessions on the simulator the gateway made (the keep-alive's heartbeat session left out). */
  gatewaySessions(state?: SimulatorState): Promise<number>;
  /**
   * Until the account has settled: no call in flight or stream open at the simulator; in the
   * registry no session in flight, no refill running and no batch of deletes due; and then no
   * upstream call for one schedule spacing (gap + allowance) plus 50 ms, so the next chat finds
   * an idle account. @returns when the last upstream call was seen (performance.now()), or
   * `settled: false` and what it still waited for after `timeoutMs`.
   */
  settle(timeoutMs?: number): Promise<Settled>;
  /** The gateways now running have this policy (pool size, delete batch). */
  usePolicy(policy: Pick<SessionPoolPolicy, 'size' | 'deleteBatchSize'>): void;
  /** Empties redis-server (between the phases, with no gateway running). */
  flushAll(): Promise<void>;
  close(): Promise<void>;
}

export interface Settled {
  settled: boolean;
  problem?: string;
  lastCallAt: number;
  state: SimulatorState;
  status: SessionPoolStatus;
}

const POLL_MS = 10;
const SETTLE_TIMEOUT_MS = 15_000;

/** Every upstream call the simulator saw. */
export const upstreamCalls = (state: SimulatorState): number => state.calls.saveSession + state.calls.completions + state.calls.delSession;

export async function startAccountWatch(options: { redisPort: number; simulator: SimulatorHandle; spacingMs: number }): Promise<AccountWatch> {
  const redis: RespClient = await connectResp({ port: options.redisPort });
  const command = async (...args: string[]): Promise<RespValue> => {
    const reply = await redis.send(args);
    if (reply instanceof RespError) throw new Error(`redis ${args[0]}: ${reply.message}`);
    return reply;
  };
  const text = (value: RespValue): string | null => (value === null ? null : Buffer.isBuffer(value) ? value.toString('utf8') : String(value));
  // Only what readSessionPoolStatus and readHeartbeatSessionId read.
  const store = {
    get: async (key: string) => text(await command('GET', key)),
    hashGetAll: async (key: string) => {
      const reply = await command('HGETALL', key);
      const fields: Record<string, string> = {};
      if (Array.isArray(reply)) for (let index = 0; index + 1 < reply.length; index += 2) fields[text(reply[index]!) ?? ''] = text(reply[index + 1]!) ?? '';
      return fields;
    },
  } satisfies Pick<Store, 'get' | 'hashGetAll'>;
  const account: AccountStore = accountStore(store as unknown as Store);
  const info = text(await command('CLIENT', 'INFO')) ?? '';
  const address = /(?:^|\s)addr=(\S+)/.exec(info)?.[1] ?? '';
  let policy: SessionPoolPolicy = { ...SESSION_POOL_DEFAULTS, size: 0, deleteBatchSize: 1 };

  const poolStatus = () => readSessionPoolStatus(account, policy, Date.now());
  const sleep = (delayMs: number) => new Promise<void>((resolve) => setTimeout(resolve, delayMs));

  return {
    address,
    poolStatus,
    async gatewaySessions(state = options.simulator.state()) {
      const heartbeat = await readHeartbeatSessionId(account);
      return state.sessions.filter((session) => session.id !== heartbeat).length;
    },
    async settle(timeoutMs = SETTLE_TIMEOUT_MS) {
      const deadline = performance.now() + timeoutMs;
      let lastCalls = -1;
      let lastCallAt = performance.now();
      let quietSince = lastCallAt;
      let waitingFor = 'upstream calls still arriving';
      for (;;) {
        const state = options.simulator.state();
        const calls = upstreamCalls(state);
        if (calls !== lastCalls || state.callsInFlight > 0 || state.openStreams > 0) {
          lastCalls = calls;
          lastCallAt = performance.now();
          quietSince = lastCallAt;
          waitingFor = 'upstream calls still arriving';
        } else {
          const status = await poolStatus();
          if (status.inFlight > 0 || status.refilling > 0 || status.pendingDeletes >= policy.deleteBatchSize) {
            quietSince = performance.now();
            waitingFor = `${status.inFlight} session(s) in flight, ${status.refilling} refill(s), ${status.pendingDeletes} pending delete(s) in the registry`;
          } else if (performance.now() - quietSince >= options.spacingMs + 50) {
            return { settled: true, lastCallAt, state, status };
          }
        }
        if (performance.now() > deadline) {
          return { settled: false, problem: `not settled within ${timeoutMs / 1000} s: ${waitingFor}`, lastCallAt, state, status: await poolStatus() };
        }
        await sleep(POLL_MS);
      }
    },
    usePolicy(next) {
      policy = { ...SESSION_POOL_DEFAULTS, ...next };
    },
    async flushAll() {
      await command('FLUSHALL');
    },
    close: () => redis.close(),
  };
}
