/**
 * When an endpoint is cooled down (docs/workers.md "Balancing and cooldown"): after
 * `failureThreshold` consecutive failures it is skipped for `baseMs`, doubling on each
 * failed probe up to `maxMs`. LiteLLM's router allows 3 fails; the routing notes' range is
 * 5 s to 5 min (/work/shared/docs/agents-and-routing.md section 5): 30 s is long enough for a
 * restarting worker, short enough that a blip costs little.
 */
export interface CooldownPolicy {
  failureThreshold: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_COOLDOWN_POLICY: CooldownPolicy = {
  failureThreshold: 3,
  baseMs: 30_000,
  maxMs: 5 * 60_000,
};
