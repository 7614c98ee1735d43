/**
 * Vercel's Upstash integration names its variables `<PREFIX>_KV_REST_API_URL` … when a prefix
 * is chosen while connecting the store (docs: leave it empty). The gateway reads only the
 * unprefixed names, so it then finds no store; this finds the variable to name in that 503.
 */
const PREFIXED_UPSTASH_URL = /^[A-Za-z0-9_]+_(KV_REST_API_URL|UPSTASH_REDIS_REST_URL)$/;

/**
 * @returns the first (by name) set variable that looks like a prefixed Upstash URL, e.g.
 *   `STORE_KV_REST_API_URL`, or undefined. Pure: pass the whole environment.
 */
export function findPrefixedUpstashVariable(environment: Record<string, string | undefined>): string | undefined {
  return Object.keys(environment)
    .filter((name) => PREFIXED_UPSTASH_URL.test(name) && (environment[name] ?? '').trim() !== '')
    .sort()[0];
}
