import type { MetricAppend } from './store';

/**
 * One metrics write in one store command (Upstash's free tier counts commands): push an entry
 * onto a bounded list of recent entries and add to a hash of counters, each key with a TTL
 * that every append restarts. Once as Lua for Redis, once as a pure function for the
 * in-memory store; one contract suite keeps them equivalent.
 */

/**
 * KEYS[1] the list (newest first)   KEYS[2] the counter hash   KEYS[3] a lease set, or ""
 * ARGV[1] entry   ARGV[2] maxLength (≥ 1)   ARGV[3] list TTL ms   ARGV[4] hash TTL ms
 * ARGV[5] the lease member to release ("" for none)
 * ARGV[6], ARGV[7], … field, increment pairs (whole numbers; none is allowed).
 *
 * LPUSH + LTRIM to the newest maxLength + PEXPIRE on the list; HINCRBY each field + PEXPIRE
 * on the hash (a no-op when there are no fields and the hash does not exist); ZREM of the
 * lease member (lib/store/concurrency-lease.ts). Returns 1.
 */
export const APPEND_METRIC_SCRIPT = `
local listKey   = KEYS[1]
local hashKey   = KEYS[2]
local leaseKey  = KEYS[3]
local maxLength = tonumber(ARGV[2])

redis.call("LPUSH", listKey, ARGV[1])
redis.call("LTRIM", listKey, 0, maxLength - 1)
redis.call("PEXPIRE", listKey, ARGV[3])
for index = 6, #ARGV, 2 do
  redis.call("HINCRBY", hashKey, ARGV[index], ARGV[index + 1])
end
redis.call("PEXPIRE", hashKey, ARGV[4])
if leaseKey ~= "" and ARGV[5] ~= "" then
  redis.call("ZREM", leaseKey, ARGV[5])
end
return 1
`;

/**
 * Rejects what Redis would reject halfway through the script (a TTL or increment that is not
 * a whole number), before anything is written, so both stores fail alike and atomically.
 * @throws Error naming the bad value.
 */
export function checkMetricAppend(metric: MetricAppend): void {
  if (!Number.isInteger(metric.maxLength) || metric.maxLength < 1) {
    throw new Error(`ERR maxLength must be a whole number ≥ 1: ${metric.maxLength}`);
  }
  for (const [name, ttlMs] of [['listTtlMs', metric.listTtlMs], ['hashTtlMs', metric.hashTtlMs]] as const) {
    if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new Error(`ERR invalid expire time in ${name}: ${ttlMs}`);
  }
  for (const [field, increment] of Object.entries(metric.increments)) {
    if (!Number.isSafeInteger(increment)) throw new Error(`ERR value is not an integer: ${field}=${increment}`);
  }
}

/** KEYS and ARGV for APPEND_METRIC_SCRIPT. @throws Error like checkMetricAppend. */
export function appendMetricArguments(metric: MetricAppend): { keys: string[]; args: string[] } {
  checkMetricAppend(metric);
  return {
    keys: [metric.listKey, metric.hashKey, metric.releaseLease?.key ?? ''],
    args: [
      metric.entry,
      String(metric.maxLength),
      String(metric.listTtlMs),
      String(metric.hashTtlMs),
      metric.releaseLease?.member ?? '',
      ...Object.entries(metric.increments).flatMap(([field, increment]) => [field, String(increment)]),
    ],
  };
}

/**
 * APPEND_METRIC_SCRIPT as a pure function: the new list (newest first, at most maxLength)
 * and the hash with the increments added. Missing fields count from 0, like HINCRBY.
 * @throws Error like checkMetricAppend, or when a field to increment holds no whole number.
 */
export function appendMetricInMemory(
  list: readonly string[],
  hash: ReadonlyMap<string, string>,
  metric: MetricAppend,
): { list: string[]; hash: Map<string, string> } {
  checkMetricAppend(metric);
  const nextHash = new Map(hash);
  for (const [field, increment] of Object.entries(metric.increments)) {
    const current = nextHash.get(field) ?? '0';
    if (!/^-?\d+$/.test(current)) throw new Error('ERR hash value is not an integer');
    nextHash.set(field, String(Number(current) + increment));
  }
  return { list: [metric.entry, ...list].slice(0, metric.maxLength), hash: nextHash };
}
