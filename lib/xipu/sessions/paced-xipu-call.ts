import { isGatewayError } from '@/lib/errors/gateway-error';
import type { Pacer, PacerTurn, UpstreamCall, WaitForTurnOptions } from '@/lib/pacing/pacer';
import type { ChatCallOptions } from '@/lib/providers/chat-provider';

/** 429s retried (each after a new turn) before giving up: docs/xipu-protocol.md "Common errors". */
export const MAX_RATE_LIMIT_RETRIES = 2;

/** How many 429s have been retried; one counter shared by calls that share one budget. */
export interface RateLimitBudget {
  retried: number;
}

export interface PacedXipuCallOptions extends WaitForTurnOptions {
  /**
   * Runs after a failed attempt's turn was answered, before the retry decision (completions:
   * close the attempt's stream and free its hold).
   */
  afterFailure?: () => Promise<void>;
  /**
   * The 429 budget to count against (MAX_RATE_LIMIT_RETRIES in all), when the caller's own
   * loop calls again (saveSession after a sweep). Default: a fresh one for this call.
   */
  rateLimitBudget?: RateLimitBudget;
  /** Told of every turn granted, with its wait (ChatCallOptions.onTurn: the request's queue wait). */
  onTurn?: ChatCallOptions['onTurn'];
}

/**
 * One upstream call in its turn of the account's schedule (`operation` gets the turn: a
 * stream may hold it), reporting when it answered, and retried in a new turn when XIPU still
 * says "Request too fast" (someone outside the schedule, e.g. the owner in the browser, used
 * the account). The turn is answered as soon as the call settled, before anything else.
 */
export async function pacedXipuCall<Result>(
  pacer: Pacer,
  call: UpstreamCall,
  operation: (turn: PacerTurn) => Promise<Result>,
  options: PacedXipuCallOptions = {},
): Promise<Result> {
  const { afterFailure, rateLimitBudget = { retried: 0 }, onTurn, ...turnOptions } = options;
  for (;;) {
    const turn = await pacer.waitForTurn(call, turnOptions);
    onTurn?.({ call, waitedMs: turn.waitedMs });
    let result: Result;
    try {
      result = await operation(turn);
    } catch (error) {
      await turn.answered();
      await afterFailure?.();
      if (isRateLimited(error) && rateLimitBudget.retried < MAX_RATE_LIMIT_RETRIES) {
        rateLimitBudget.retried += 1;
        continue;
      }
      throw error;
    }
    await turn.answered();
    return result;
  }
}

export function isRateLimited(error: unknown): boolean {
  return isGatewayError(error) && error.code === 'upstream_rate_limited';
}
