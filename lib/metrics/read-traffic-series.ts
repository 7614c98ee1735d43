import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import { HOUR_MS, hourStart } from './hour-start';

/** One clock hour of traffic. */
export interface TrafficHour {
  /** Start of the hour (epoch ms). */
  hourStart: number;
  requests: number;
  /** Requests counted as errors (classify-request-outcome.ts `countsAsError`). */
  errors: number;
  /** Mean time to first token of the hour's answers; null when none had one. */
  ttftAvgMs: number | null;
}

/**
 * The last `hours` clock hours up to the one holding `now`, oldest first, with zeros for
 * hours without traffic. Costs one store read per hour (the reads share one HTTP request on
 * Upstash): meant for the admin page, not for anything polled.
 */
export async function readTrafficSeries(store: Store, now: number, hours = 24): Promise<TrafficHour[]> {
  const current = hourStart(now);
  const length = Math.max(0, Math.floor(hours));
  const starts = Array.from({ length }, (_, index) => current - (length - 1 - index) * HOUR_MS);
  const buckets = await Promise.all(starts.map((start) => store.hashGetAll(storeKeys.metricsHour(start))));
  return starts.map((start, index) => {
    const fields = buckets[index] ?? {};
    const ttftCount = readCount(fields.ttftCount);
    return {
      hourStart: start,
      requests: readCount(fields.requests),
      errors: readCount(fields.errors),
      ttftAvgMs: ttftCount > 0 ? Math.round(readCount(fields.ttftSumMs) / ttftCount) : null,
    };
  });
}

function readCount(text: string | undefined): number {
  const value = Number(text);
  return Number.isFinite(value) ? value : 0;
}
