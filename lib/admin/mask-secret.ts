/**
 * How the admin page shows secrets: enough to tell two apart, never enough to use one.
 * `eyJhbGciOi…Qx8c` → `eyJh…Qx8c (212 chars)`.
 */
export function maskSecret(value: string): string {
  if (value.length < 16) return `… (${value.length} chars)`;
  return `${value.slice(0, 4)}…${value.slice(-4)} (${value.length} chars)`;
}

/** `1234567` → `12…67`: recognisable in the web history, not more. */
export function maskSessionId(id: number | string): string {
  const text = String(id);
  return text.length <= 4 ? `…${text.slice(-2)}` : `${text.slice(0, 2)}…${text.slice(-2)}`;
}
