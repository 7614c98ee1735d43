import { z } from 'zod';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import { lastUtcDays } from './utc-day';

/** Requests, tokens and errors over a span of UTC days. */
export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
  /** Requests that failed after passing the key's limits (lib/metrics countsAsError); 0 on days counted before errors were. */
  errors: number;
}

/** One UTC day of a key's usage. */
export interface DayUsage extends UsageTotals {
  /** `YYYY-MM-DD`. */
  day: string;
}

/** A managed key's usage as the admin API and page show it. */
export interface KeyUsageSummary {
  today: UsageTotals;
  last30Days: UsageTotals;
  /** The last 30 UTC days, oldest first, today last (zeros for days without use). */
  days: DayUsage[];
  /** ISO 8601, or null when the key was never used (or not for a month). */
  lastUsedAt: string | null;
}

/** The span of the usage view; the counters live a day longer (storeTtls.managedKeyUsageMs). */
export const USAGE_WINDOW_DAYS = 30;

/**
 * Every given key's usage today and over the last 30 UTC days, per day, in ONE store command
 * whatever the number of keys (a script reading each key's usage hash); none for no keys.
 * @returns the summaries by key id.
 */
export async function readKeysUsage(store: Store, keyIds: readonly string[], now: number): Promise<Map<string, KeyUsageSummary>> {
  if (keyIds.length === 0) return new Map();
  const hashes = await store.run(READ_USAGE_SCRIPT, keyIds.map(storeKeys.managedKeyUsage), []);
  return new Map(keyIds.map((id, index) => [id, summarizeUsage(hashes[index] ?? {}, now)]));
}

function summarizeUsage(counters: Record<string, string>, now: number): KeyUsageSummary {
  const days = lastUtcDays(now, USAGE_WINDOW_DAYS).reverse().map((day): DayUsage => ({
    day,
    requests: count(counters, day, 'requests'),
    promptTokens: count(counters, day, 'prompt'),
    completionTokens: count(counters, day, 'completion'),
    errors: count(counters, day, 'errors'),
  }));
  const today = days.at(-1)!;
  const last30Days = days.reduce<UsageTotals>(
    (total, day) => ({
      requests: total.requests + day.requests,
      promptTokens: total.promptTokens + day.promptTokens,
      completionTokens: total.completionTokens + day.completionTokens,
      errors: total.errors + day.errors,
    }),
    { requests: 0, promptTokens: 0, completionTokens: 0, errors: 0 },
  );
  const lastUsedAt = Number(counters.lastUsedAt);
  return {
    today: { requests: today.requests, promptTokens: today.promptTokens, completionTokens: today.completionTokens, errors: today.errors },
    last30Days,
    days,
    lastUsedAt: Number.isFinite(lastUsedAt) && lastUsedAt > 0 ? new Date(lastUsedAt).toISOString() : null,
  };
}

function count(counters: Record<string, string>, day: string, field: string): number {
  return Number(counters[`${day}:${field}`]) || 0;
}

/**
 * KEYS each key's usage hash (storeKeys.managedKeyUsage).  No ARGV.
 * Returns, per key in order, its HGETALL as a flat field, value, … array ({} for a missing key).
 */
const READ_USAGE_SCRIPT: StoreScript<Array<Record<string, string>>> = {
  name: 'readKeysUsage',
  lua: `
local replies = {}
for index, key in ipairs(KEYS) do
  replies[index] = redis.call("HGETALL", key)
end
return replies
`,
  inMemory(redis, keys) {
    return keys.map((key) => Object.entries(redis.hGetAll(key)).flat());
  },
  parse(reply) {
    return z
      .array(z.array(z.string()))
      .parse(reply)
      .map((flat) => Object.fromEntries(Array.from({ length: Math.floor(flat.length / 2) }, (_, index) => [flat[2 * index]!, flat[2 * index + 1]!])));
  },
};
