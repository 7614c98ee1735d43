import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { logEvent } from '@/lib/log/log-event';
import { luaToNumber } from '@/lib/store/memory-data';
import { storeTtls } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import type { CallOutcome } from './call-outcome';
import { DEFAULT_COOLDOWN_POLICY, type CooldownPolicy } from './cooldown-policy';
import { balanceKeys } from './read-balance-states';

/** One call to an endpoint, counted in flight from its start until `finish`. */
export interface BalancedCall {
  /**
   * The upstream answered and its stream started: when the endpoint had failures (or this
   * call is the probe after a cooldown), its record is cleared at once, so the probe does not
   * hold the endpoint out for the whole answer. Costs a command only then.
   */
  started(): Promise<void>;
  /** Ends the call with its outcome; only the first call counts, later ones return the same promise. Never rejects. */
  finish(outcome: CallOutcome): Promise<void>;
}

/**
 * Counts a call in flight on `endpointId` (docs/workers.md "Balancing and cooldown"). The
 * start is sent at once but not awaited, so it adds no round trip before the upstream call;
 * every later write waits for it (a release must not overtake its lease). A store failure is
 * logged and never fails the call: balancing is advice, the chat is the work.
 *
 * Commands: 1 (start) + 1 (finish), plus 1 (`started`) only after failures or on a probe.
 */
export function startBalancedCall(
  store: Store,
  endpointId: string,
  options: { requestId: string; now: () => number; policy?: CooldownPolicy },
): BalancedCall {
  const policy = options.policy ?? DEFAULT_COOLDOWN_POLICY;
  const keys = balanceKeys(endpointId);
  const member = `${options.requestId}:${randomUUID().slice(0, 8)}`;
  const warn = (step: string) => (error: unknown) => {
    logEvent('warn', 'balancing_store_failed', { endpoint: endpointId, step, error: error instanceof Error ? error.message : String(error) });
    return undefined;
  };
  const begun = store.run(START_CALL_SCRIPT, keys, [member, Math.round(options.now()), storeTtls.balanceLeaseMs]).catch(warn('start'));
  let chain: Promise<unknown> = begun;
  let finished: Promise<void> | undefined;
  return {
    started() {
      chain = chain.then(async () => {
        const start = await begun;
        if (start && (start.failures > 0 || start.probe)) await store.delete(keys[1]).catch(warn('started'));
      });
      return chain.then(() => undefined);
    },
    finish(outcome) {
      finished ??= chain
        .then(() =>
          store.run(FINISH_CALL_SCRIPT, keys, [
            member,
            Math.round(options.now()),
            outcome,
            policy.failureThreshold,
            policy.baseMs,
            policy.maxMs,
            storeTtls.balanceHealthKeepMs,
          ]),
        )
        .then(() => undefined, warn('finish'));
      return finished;
    },
  };
}

/**
 * KEYS[1] the endpoint's in-flight sorted set   KEYS[2] its health hash.
 * ARGV[1] member   ARGV[2] now (caller's clock, epoch ms)   ARGV[3] leaseMs.
 *
 * Drops lapsed leases and adds this call's, scored `now + leaseMs` (the newest lease, so the
 * key expires with it). When a cooldown has run out and no probe is in flight, this call
 * becomes the probe: `probeUntil` = its lease's end, so other routers skip the endpoint until
 * it answers. Returns {failures, 1 when this call is the probe else 0}.
 */
export const START_CALL_SCRIPT: StoreScript<{ failures: number; probe: boolean }> = {
  name: 'startBalancedCall',
  lua: `
local now = tonumber(ARGV[2])
local leaseMs = tonumber(ARGV[3])
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now)
redis.call("ZADD", KEYS[1], now + leaseMs, ARGV[1])
redis.call("PEXPIRE", KEYS[1], leaseMs)
local health = redis.call("HMGET", KEYS[2], "failures", "cooldownUntil", "probeUntil")
local failures = tonumber(health[1]) or 0
local cooldownUntil = tonumber(health[2]) or 0
local probeUntil = tonumber(health[3]) or 0
if cooldownUntil > 0 and cooldownUntil <= now and probeUntil <= now then
  redis.call("HSET", KEYS[2], "probeUntil", now + leaseMs)
  return {failures, 1}
end
return {failures, 0}
`,
  inMemory(redis, [inFlightKey = '', healthKey = ''], [member = '', nowText, leaseText]) {
    const now = Number(nowText);
    const leaseMs = Number(leaseText);
    redis.zRemRangeByScore(inFlightKey, -Infinity, now);
    redis.zAdd(inFlightKey, now + leaseMs, member);
    redis.pExpire(inFlightKey, leaseMs);
    const [failures, cooldownUntil, probeUntil] = redis.hmGet(healthKey, 'failures', 'cooldownUntil', 'probeUntil').map((value) => luaToNumber(value ?? null) ?? 0);
    if (cooldownUntil! > 0 && cooldownUntil! <= now && probeUntil! <= now) {
      redis.hSet(healthKey, { probeUntil: now + leaseMs });
      return [failures, 1];
    }
    return [failures, 0];
  },
  parse(reply) {
    const [failures, probe] = z.tuple([z.number(), z.number()]).parse(reply);
    return { failures, probe: probe === 1 };
  },
};

/**
 * KEYS[1] the endpoint's in-flight sorted set   KEYS[2] its health hash.
 * ARGV[1] member   ARGV[2] now   ARGV[3] outcome (success | failure | neutral)
 * ARGV[4] failureThreshold   ARGV[5] baseMs   ARGV[6] maxMs   ARGV[7] keepMs.
 *
 * Releases the lease. `success` deletes the health record (the next cooldown starts from
 * baseMs again). `failure` counts one more; at the threshold, unless a cooldown is running,
 * starts one: baseMs the first time, then double the last one up to maxMs. The record
 * outlives the cooldown by keepMs. `neutral` only gives back a probe it may have held.
 * Returns the consecutive failures (0 after a success or a neutral end).
 */
export const FINISH_CALL_SCRIPT: StoreScript<number> = {
  name: 'finishBalancedCall',
  lua: `
redis.call("ZREM", KEYS[1], ARGV[1])
local outcome = ARGV[3]
if outcome == "success" then
  redis.call("DEL", KEYS[2])
  return 0
end
if outcome ~= "failure" then
  if redis.call("HEXISTS", KEYS[2], "probeUntil") == 1 then
    redis.call("HSET", KEYS[2], "probeUntil", 0)
  end
  return 0
end
local now = tonumber(ARGV[2])
local failures = redis.call("HINCRBY", KEYS[2], "failures", 1)
redis.call("HSET", KEYS[2], "probeUntil", 0)
local health = redis.call("HMGET", KEYS[2], "cooldownUntil", "cooldownMs")
local cooldownUntil = tonumber(health[1]) or 0
local cooldownMs = tonumber(health[2]) or 0
if failures >= tonumber(ARGV[4]) and cooldownUntil <= now then
  if cooldownMs > 0 then
    cooldownMs = math.min(cooldownMs * 2, tonumber(ARGV[6]))
  else
    cooldownMs = tonumber(ARGV[5])
  end
  cooldownUntil = now + cooldownMs
  redis.call("HSET", KEYS[2], "cooldownUntil", cooldownUntil, "cooldownMs", cooldownMs)
end
redis.call("PEXPIRE", KEYS[2], math.max(cooldownUntil - now, 0) + tonumber(ARGV[7]))
return failures
`,
  inMemory(redis, [inFlightKey = '', healthKey = ''], [member = '', nowText, outcome, thresholdText, baseText, maxText, keepText]) {
    redis.zRem(inFlightKey, member);
    if (outcome === 'success') {
      redis.del(healthKey);
      return 0;
    }
    if (outcome !== 'failure') {
      if (redis.hGet(healthKey, 'probeUntil') !== null) redis.hSet(healthKey, { probeUntil: 0 });
      return 0;
    }
    const now = Number(nowText);
    const failures = redis.hIncrBy(healthKey, 'failures', 1);
    redis.hSet(healthKey, { probeUntil: 0 });
    const [storedUntil, storedMs] = redis.hmGet(healthKey, 'cooldownUntil', 'cooldownMs');
    let cooldownUntil = luaToNumber(storedUntil ?? null) ?? 0;
    let cooldownMs = luaToNumber(storedMs ?? null) ?? 0;
    if (failures >= Number(thresholdText) && cooldownUntil <= now) {
      cooldownMs = cooldownMs > 0 ? Math.min(cooldownMs * 2, Number(maxText)) : Number(baseText);
      cooldownUntil = now + cooldownMs;
      redis.hSet(healthKey, { cooldownUntil, cooldownMs });
    }
    redis.pExpire(healthKey, Math.max(cooldownUntil - now, 0) + Number(keepText));
    return failures;
  },
  parse: (reply) => z.number().parse(reply),
};
