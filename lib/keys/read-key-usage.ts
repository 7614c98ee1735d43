import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import { lastUtcDays } from './utc-day';

/** Requests and tokens over a span of UTC days. */
export interface UsageTotals {
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

/** A managed key's usage as the admin API shows it. */
export interface KeyUsageSummary {
  today: UsageTotals;
  last30Days: UsageTotals;
  /** ISO 8601, or null when the key was never used (or not for a month). */
  lastUsedAt: string | null;
}

const WINDOW_DAYS = 30;

/** One key's usage today and over the last 30 UTC days (today included). One store command. */
export async function readKeyUsage(store: Store, keyId: string, now: number): Promise<KeyUsageSummary> {
  const counters = await store.hashGetAll(storeKeys.managedKeyUsage(keyId));
  const days = lastUtcDays(now, WINDOW_DAYS);
  const totalsOf = (span: string[]): UsageTotals => ({
    requests: sum(counters, span, 'requests'),
    promptTokens: sum(counters, span, 'prompt'),
    completionTokens: sum(counters, span, 'completion'),
  });
  const lastUsedAt = Number(counters.lastUsedAt);
  return { today: totalsOf(days.slice(0, 1)), last30Days: totalsOf(days), lastUsedAt: Number.isFinite(lastUsedAt) && lastUsedAt > 0 ? new Date(lastUsedAt).toISOString() : null };
}

function sum(counters: Record<string, string>, days: string[], field: string): number {
  return days.reduce((total, day) => total + (Number(counters[`${day}:${field}`]) || 0), 0);
}
