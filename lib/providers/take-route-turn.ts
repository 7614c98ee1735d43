import { z } from 'zod';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';

/** The counter lives a day after the last routing decision; then it starts again at 1. */
const TURN_COUNTER_TTL_MS = 24 * 3_600_000;

/**
 * The next routing turn of a source with several endpoints: a counter shared by every
 * instance. Chats that arrive together all read the same readiness (both accounts idle), so
 * readiness alone would send them all to the first; starting each decision's order at
 * `turn mod N` alternates them instead (docs/providers.md "Routing"). One store command.
 */
export async function takeRouteTurn(store: Store, key: string): Promise<number> {
  return store.run(TAKE_ROUTE_TURN_SCRIPT, [key], [TURN_COUNTER_TTL_MS]);
}

/** KEYS[1] the counter. ARGV[1] its TTL (ms). Returns the new count. */
export const TAKE_ROUTE_TURN_SCRIPT: StoreScript<number> = {
  name: 'takeRouteTurn',
  lua: `
local turn = redis.call("INCR", KEYS[1])
redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[1]))
return turn
`,
  inMemory(redis, [key = ''], [ttlMs = '0']) {
    const turn = redis.incrBy(key, 1);
    redis.pExpire(key, Number(ttlMs));
    return turn;
  },
  parse: (reply) => z.number().int().parse(reply),
};

/** `endpoints` starting at `turn mod length`: a stable sort by readiness then keeps this order among equals. */
export function rotate<T>(endpoints: readonly T[], turn: number): T[] {
  if (endpoints.length < 2) return [...endpoints];
  const start = ((turn % endpoints.length) + endpoints.length) % endpoints.length;
  return [...endpoints.slice(start), ...endpoints.slice(0, start)];
}
