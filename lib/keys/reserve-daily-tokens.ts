import { z } from 'zod';
import { storeKeys, storeTtls } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import { utcDay } from './utc-day';

/** Tokens held for one request against its key's daily quota, until settleKeyUsage. */
export interface TokenReservation {
  keyId: string;
  /** The UTC day the tokens were reserved on: the settlement corrects that day's counter, even after midnight. */
  day: string;
  tokens: number;
}

/**
 * Reserves `tokens` of the key's `dailyTokens` for today (UTC) when used plus reserved plus
 * these stay within it. One store command.
 * @returns the reservation, or undefined when the quota would be exceeded.
 */
export async function reserveDailyTokens(
  store: Store,
  request: { keyId: string; tokens: number; dailyTokens: number; now: number },
): Promise<TokenReservation | undefined> {
  const day = utcDay(request.now);
  const tokens = Math.max(0, Math.round(request.tokens));
  const reserved = await store.run(RESERVE_TOKENS_SCRIPT, [storeKeys.managedKeyTokens(request.keyId, day)], [tokens, request.dailyTokens, storeTtls.managedKeyTokensMs]);
  return reserved ? { keyId: request.keyId, day, tokens } : undefined;
}

/**
 * KEYS[1] the day's counter.  ARGV[1] tokens   ARGV[2] the daily limit   ARGV[3] ttlMs.
 * Adds the tokens when the total stays within the limit; returns 1, else 0.
 */
const RESERVE_TOKENS_SCRIPT: StoreScript<boolean> = {
  name: 'reserveDailyTokens',
  lua: `
local tokens = tonumber(ARGV[1])
local used = tonumber(redis.call("GET", KEYS[1]) or "0")
if used + tokens > tonumber(ARGV[2]) then return 0 end
redis.call("INCRBY", KEYS[1], tokens)
redis.call("PEXPIRE", KEYS[1], tonumber(ARGV[3]))
return 1
`,
  inMemory(redis, [key = ''], [tokensText, limitText, ttlText]) {
    const tokens = Number(tokensText);
    const used = Number(redis.get(key) ?? '0');
    if (used + tokens > Number(limitText)) return 0;
    redis.incrBy(key, tokens);
    redis.pExpire(key, Number(ttlText));
    return 1;
  },
  parse: (reply) => z.number().parse(reply) === 1,
};
