/** Times as the page shows them: relative for reading at a glance, UTC for the record. */

/** `950` → `950 ms`, `42_000` → `42 s`, `3_720_000` → `1 h 2 min`, `183_600_000` → `2 d 3 h`. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1_000) return `${value} ms`;
  const seconds = Math.round(value / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** `5 min ago`, or `in 5 min` for a time still ahead. */
export function formatRelative(at: number, now: number): string {
  if (Math.abs(at - now) < 1_000) return 'just now';
  return at <= now ? `${formatDuration(now - at)} ago` : `in ${formatDuration(at - now)}`;
}

/** `2025-05-01 03:00:12 UTC`: servers run in UTC, and so do Vercel's logs. */
export function formatUtc(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
