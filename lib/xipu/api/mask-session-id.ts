/**
 * A XIPU session id as the admin page and the keep-alive report show it: `1234567` → `12…67`,
 * `42` → `…42`. Enough to recognise it in the web history, not more.
 */
export function maskSessionId(id: number | string): string {
  const text = String(id);
  return text.length <= 4 ? `…${text.slice(-2)}` : `${text.slice(0, 2)}…${text.slice(-2)}`;
}
