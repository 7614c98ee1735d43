import { z } from 'zod';
import type { Readiness } from '@/lib/providers/chat-provider';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import { luaToNumber } from '@/lib/store/memory-data';
import type { StoreScript } from '@/lib/store/store-script';

/** One endpoint's balancing state, as every instance sees it. */
export interface BalanceState {
  /** Calls in flight whose lease has not run out. */
  inFlight: number;
  /** Consecutive failures since the last success. */
  failures: number;
  /** Epoch ms the cooldown ends; 0 = never cooled down since the last success. */
  cooldownUntil: number;
  /** Epoch ms the probe let through after a cooldown runs out; 0 = none in flight. */
  probeUntil: number;
}

/** The store keys of one endpoint, in the order every balancing script takes them. */
export function balanceKeys(endpointId: string): [inFlight: string, health: string] {
  return [storeKeys.balanceInFlight(endpointId), storeKeys.balanceHealth(endpointId)];
}

/**
 * The states of several endpoints in ONE store command (a worker source reads all its
 * workers at once). Never writes.
 */
export async function readBalanceStates(store: Store, endpointIds: readonly string[], now: number): Promise<BalanceState[]> {
  if (endpointIds.length === 0) return [];
  const flat = await store.run(READ_BALANCE_STATES_SCRIPT, endpointIds.flatMap(balanceKeys), [Math.round(now)]);
  return endpointIds.map((_, index) => {
    const [inFlight = 0, failures = 0, cooldownUntil = 0, probeUntil = 0] = flat.slice(index * 4, index * 4 + 4);
    return { inFlight, failures, cooldownUntil, probeUntil };
  });
}

/**
 * Readiness from a state (docs/workers.md "Balancing and cooldown"): unavailable while cooling
 * down, and while the one probe after a cooldown is in flight; else available now, with its
 * calls in flight for the registry's "fewest in flight" order.
 */
export function readinessFromState(state: BalanceState, now: number): Readiness {
  if (state.cooldownUntil > now) return { available: false, reason: `cooling down until ${clockTime(state.cooldownUntil)}` };
  if (state.cooldownUntil > 0 && state.probeUntil > now) return { available: false, reason: 'probed after its cooldown' };
  return { available: true, startsInMs: 0, inFlight: state.inFlight };
}

/** `HH:MM:SS` UTC, as the reason reads on /admin and in logs. */
function clockTime(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(11, 19)} UTC`;
}

/**
 * KEYS: per endpoint, its in-flight sorted set then its health hash (balanceKeys).
 * ARGV[1] now (caller's clock, epoch ms).
 *
 * Returns four numbers per endpoint: live leases (score > now), failures, cooldownUntil,
 * probeUntil (0 when absent).
 */
export const READ_BALANCE_STATES_SCRIPT: StoreScript<number[]> = {
  name: 'readBalanceStates',
  lua: `
local out = {}
for i = 1, #KEYS, 2 do
  local health = redis.call("HMGET", KEYS[i + 1], "failures", "cooldownUntil", "probeUntil")
  out[#out + 1] = redis.call("ZCOUNT", KEYS[i], "(" .. ARGV[1], "+inf")
  out[#out + 1] = tonumber(health[1]) or 0
  out[#out + 1] = tonumber(health[2]) or 0
  out[#out + 1] = tonumber(health[3]) or 0
end
return out
`,
  inMemory(redis, keys, [nowText]) {
    const now = Number(nowText);
    const out: number[] = [];
    for (let index = 0; index < keys.length; index += 2) {
      const [failures, cooldownUntil, probeUntil] = redis.hmGet(keys[index + 1]!, 'failures', 'cooldownUntil', 'probeUntil');
      out.push(redis.zRangeWithScores(keys[index]!, 0, -1).filter(([, score]) => score > now).length);
      out.push(luaToNumber(failures ?? null) ?? 0, luaToNumber(cooldownUntil ?? null) ?? 0, luaToNumber(probeUntil ?? null) ?? 0);
    }
    return out;
  },
  parse: (reply) => z.array(z.number()).parse(reply),
};
