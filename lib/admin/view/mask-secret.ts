/**
 * How the admin page shows secrets: enough to tell two apart, never enough to use one.
 * `eyJhbGciOi…Qx8c` → `eyJh…Qx8c (212 chars)`.
 */
export function maskSecret(value: string): string {
  if (value.length < 16) return `… (${value.length} chars)`;
  return `${value.slice(0, 4)}…${value.slice(-4)} (${value.length} chars)`;
}
