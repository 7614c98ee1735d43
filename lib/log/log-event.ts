/**
 * One JSON line per event on stdout (stderr for warnings and errors), the format Vercel's
 * log view and `jq` both read. Callers pass masked values only: no tokens, keys, passwords
 * or session strings ever reach a log line.
 */
export type LogLevel = 'info' | 'warn' | 'error';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export function logEvent(level: LogLevel, event: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
  if (level === 'info') console.log(line);
  else console.error(line);
}
