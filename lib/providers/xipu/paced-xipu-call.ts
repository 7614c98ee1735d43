import { isGatewayError } from '@/lib/errors/gateway-error';
import type { Pacer, UpstreamCall } from '@/lib/pacing/pacer';

/** 429s retried (each after a new turn) before giving up: docs/xipu-protocol.md "Common errors". */
export const MAX_RATE_LIMIT_RETRIES = 2;

/**
 * One upstream call in its turn of the account's schedule, reporting when it answered, and
 * retried in a new turn when XIPU still says "Request too fast" (someone outside the
 * schedule, e.g. the owner in the browser, used the account).
 */
export async function pacedXipuCall<Result>(
  pacer: Pacer,
  call: UpstreamCall,
  operation: () => Promise<Result>,
  options: { signal?: AbortSignal } = {},
): Promise<Result> {
  for (let attempt = 0; ; attempt += 1) {
    const turn = await pacer.waitForTurn(call, { signal: options.signal });
    try {
      return await operation();
    } catch (error) {
      if (isRateLimited(error) && attempt < MAX_RATE_LIMIT_RETRIES) continue;
      throw error;
    } finally {
      await turn.answered();
    }
  }
}

export function isRateLimited(error: unknown): boolean {
  return isGatewayError(error) && error.code === 'upstream_rate_limited';
}
