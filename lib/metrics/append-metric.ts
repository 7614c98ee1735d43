import { z } from 'zod';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';

export interface MetricAppend {
  /** The bounded list of recent entries. */
  listKey: string;
  entry: string;
  /** The list keeps the newest this many entries (≥ 1). */
  maxLength: number;
  /** The list's TTL, restarted by every append (whole ms > 0). */
  listTtlMs: number;
  /** The hash of counters. */
  hashKey: string;
  /** Field → whole number to add (missing fields start at 0). */
  increments: Record<string, number>;
  /**
   * A concurrency lease to release in the same command (lib/auth/concurrency-lease.ts
   * releaseLease): a finished request frees its slot and is counted at once, which keeps a
   * chat at 8 store commands.
   */
  releaseLease?: { key: string; member: string };
  /** The hash's TTL, restarted by every append (whole ms > 0). */
  hashTtlMs: number;
}

/**
 * One metrics write in ONE store command (Upstash's free tier counts commands): pushes
 * `entry` onto the list (newest first) and trims it to the newest `maxLength`, adds each of
 * `increments` to its hash field (HINCRBY), restarts each key's TTL, and releases
 * `releaseLease` if given. A bad argument (a TTL or increment that is not a whole number)
 * throws before anything is written, on both stores alike.
 */
export async function appendMetric(store: Store, metric: MetricAppend): Promise<void> {
  checkMetricAppend(metric);
  await store.run(
    APPEND_METRIC_SCRIPT,
    [metric.listKey, metric.hashKey, metric.releaseLease?.key ?? ''],
    [
      metric.entry,
      metric.maxLength,
      metric.listTtlMs,
      metric.hashTtlMs,
      metric.releaseLease?.member ?? '',
      ...Object.entries(metric.increments).flatMap(([field, increment]) => [field, increment]),
    ],
  );
}

/**
 * Rejects what Redis would reject halfway through the script (a TTL or increment that is not
 * a whole number), before anything is written, so both stores fail alike and atomically.
 * @throws Error naming the bad value.
 */
function checkMetricAppend(metric: MetricAppend): void {
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

/**
 * KEYS[1] the list (newest first)   KEYS[2] the counter hash   KEYS[3] a lease set, or ""
 * ARGV[1] entry   ARGV[2] maxLength (≥ 1)   ARGV[3] list TTL ms   ARGV[4] hash TTL ms
 * ARGV[5] the lease member to release ("" for none)
 * ARGV[6], ARGV[7], … field, increment pairs (whole numbers; none is allowed).
 *
 * LPUSH + LTRIM to the newest maxLength + PEXPIRE on the list; HINCRBY each field + PEXPIRE
 * on the hash (a no-op when there are no fields and the hash does not exist); ZREM of the
 * lease member. Returns 1.
 */
export const APPEND_METRIC_SCRIPT: StoreScript<void> = {
  name: 'appendMetric',
  lua: `
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
`,
  inMemory(redis, [listKey = '', hashKey = '', leaseKey = ''], args) {
    const argv = (index: number): string => args[index - 1] ?? '';
    const maxLength = Number(argv(2));

    redis.lPush(listKey, argv(1));
    redis.lTrim(listKey, 0, maxLength - 1);
    redis.pExpire(listKey, Number(argv(3)));
    for (let index = 6; index <= args.length; index += 2) {
      redis.hIncrBy(hashKey, argv(index), Number(argv(index + 1)));
    }
    redis.pExpire(hashKey, Number(argv(4)));
    if (leaseKey !== '' && argv(5) !== '') {
      redis.zRem(leaseKey, argv(5));
    }
    return 1;
  },
  parse: (reply) => void z.literal(1).parse(reply),
};
