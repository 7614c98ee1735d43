import { z } from 'zod';
import { storeKeys, storeTtls } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import type { TokenReservation } from './reserve-daily-tokens';
import { utcDay } from './utc-day';

/** What one finished request of a managed key used. */
export interface KeyUsage {
  keyId: string;
  promptTokens: number;
  completionTokens: number;
  /** When it ended (epoch ms): its usage counts on that UTC day. */
  at: number;
  /** The tokens reserved up front, if the key has a daily quota: replaced by what was used. */
  reservation?: TokenReservation;
  /** The request failed (the recorder's countsAsError): counted in the day's `errors` too. */
  failed?: boolean;
}

/**
 * After the response closed: replaces the request's reservation by the tokens counted (on the
 * day reserved; never below zero) and adds the request to the key's usage counters (and to the
 * day's `errors` when it failed). One store command.
 */
export async function settleKeyUsage(store: Store, usage: KeyUsage): Promise<void> {
  const prompt = Math.max(0, Math.round(usage.promptTokens));
  const completion = Math.max(0, Math.round(usage.completionTokens));
  const reservation = usage.reservation;
  await store.run(
    SETTLE_USAGE_SCRIPT,
    [storeKeys.managedKeyUsage(usage.keyId), reservation ? storeKeys.managedKeyTokens(reservation.keyId, reservation.day) : ''],
    [utcDay(usage.at), prompt, completion, reservation ? prompt + completion - reservation.tokens : 0, Math.round(usage.at), storeTtls.managedKeyUsageMs, storeTtls.managedKeyTokensMs, usage.failed ? 1 : 0],
  );
}

/**
 * KEYS[1] the key's usage hash   KEYS[2] the reserved day's token counter, or "" without a quota.
 * ARGV[1] day   ARGV[2] prompt tokens   ARGV[3] completion tokens   ARGV[4] correction (used − reserved)
 * ARGV[5] now   ARGV[6] usage ttlMs   ARGV[7] counter ttlMs   ARGV[8] 1 when the request failed, else 0.
 * Returns 1. (`<day>:errors` is new: a usage hash written before it has none, read as 0.)
 */
const SETTLE_USAGE_SCRIPT: StoreScript<void> = {
  name: 'settleKeyUsage',
  lua: `
local day = ARGV[1]
redis.call("HINCRBY", KEYS[1], day .. ":requests", 1)
redis.call("HINCRBY", KEYS[1], day .. ":prompt", tonumber(ARGV[2]))
redis.call("HINCRBY", KEYS[1], day .. ":completion", tonumber(ARGV[3]))
if ARGV[8] == "1" then redis.call("HINCRBY", KEYS[1], day .. ":errors", 1) end
redis.call("HSET", KEYS[1], "lastUsedAt", ARGV[5])
redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[6]))
if KEYS[2] ~= "" then
  local total = redis.call("INCRBY", KEYS[2], tonumber(ARGV[4]))
  if total < 0 then redis.call("SET", KEYS[2], 0) end
  redis.call("PEXPIRE", KEYS[2], tonumber(ARGV[7]))
end
return 1
`,
  inMemory(redis, [usageKey = '', counterKey = ''], [day = '', prompt, completion, correction, now = '', usageTtl, counterTtl, failed]) {
    redis.hIncrBy(usageKey, `${day}:requests`, 1);
    redis.hIncrBy(usageKey, `${day}:prompt`, Number(prompt));
    redis.hIncrBy(usageKey, `${day}:completion`, Number(completion));
    if (failed === '1') redis.hIncrBy(usageKey, `${day}:errors`, 1);
    redis.hSet(usageKey, { lastUsedAt: now });
    redis.pExpire(usageKey, Number(usageTtl));
    if (counterKey !== '') {
      const total = redis.incrBy(counterKey, Number(correction));
      if (total < 0) redis.set(counterKey, '0');
      redis.pExpire(counterKey, Number(counterTtl));
    }
    return 1;
  },
  parse: (reply) => void z.literal(1).parse(reply),
};
