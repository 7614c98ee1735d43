import { storeKeys, storeTtls } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import { appendMetric } from './append-metric';
import { countsAsError } from './classify-request-outcome';
import { hourStart } from './hour-start';
import type { RequestRecord } from './request-record';

/** The recent list keeps this many records: enough for the admin page and health's last chats. */
export const RECENT_REQUESTS_KEPT = 100;

/**
 * Stores one request's record in ONE store command (`appendMetric`, ./append-metric.ts: Upstash's free tier
 * counts commands, and a chat already costs 8): the record onto the recent list (newest
 * first, the last RECENT_REQUESTS_KEPT, TTL storeTtls.metricsRecentMs) and the counters of
 * the hour it started in (storeKeys.metricsHour, TTL storeTtls.metricsHourMs): `requests`,
 * `errors` (countsAsError), `ttftSumMs` and `ttftCount` (their quotient is the hour's mean
 * time to first token).
 * @throws whatever the store throws; callers in `after()` log it and go on.
 */
export async function recordRequest(store: Store, record: RequestRecord, releaseLease?: { key: string; member: string }): Promise<void> {
  const ttftMs = record.ttftMs === undefined ? undefined : Math.max(0, Math.round(record.ttftMs));
  await appendMetric(store, {
    listKey: storeKeys.metricsRecent,
    entry: JSON.stringify(record),
    maxLength: RECENT_REQUESTS_KEPT,
    listTtlMs: storeTtls.metricsRecentMs,
    hashKey: storeKeys.metricsHour(hourStart(record.at)),
    increments: {
      requests: 1,
      errors: countsAsError(record) ? 1 : 0,
      ttftSumMs: ttftMs ?? 0,
      ttftCount: ttftMs === undefined ? 0 : 1,
    },
    hashTtlMs: storeTtls.metricsHourMs,
    releaseLease,
  });
}
