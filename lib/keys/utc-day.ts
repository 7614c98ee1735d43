const DAY_MS = 86_400_000;

/** The UTC day of an instant as `YYYY-MM-DD`: daily quotas and usage counters are kept per UTC day. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The `count` UTC days ending with the day of `at`, newest first. */
export function lastUtcDays(at: number, count: number): string[] {
  return Array.from({ length: count }, (_, back) => utcDay(at - back * DAY_MS));
}

/** Whole seconds (≥ 1) until the next UTC midnight: when a spent daily quota comes back. */
export function secondsToNextUtcDay(at: number): number {
  return Math.max(1, Math.ceil((DAY_MS - (at % DAY_MS)) / 1000));
}
