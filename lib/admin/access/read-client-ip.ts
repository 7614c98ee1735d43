/**
 * The client's IP for the sign-in rate limit: the first `x-forwarded-for` entry (Vercel
 * overwrites the header with the real client), else `x-real-ip`, else one shared bucket.
 * Locally a client could claim any address; the limit there only slows a careless script.
 * Made safe as the last segment of a store key (no ":" — IPv6 — and nothing odd).
 */
export function readClientIp(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim() || headers.get('x-real-ip')?.trim();
  const ip = forwarded && forwarded.length <= 64 ? forwarded : 'unknown';
  return ip.replace(/[^0-9A-Za-z.]/g, '_');
}
