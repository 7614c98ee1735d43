import { describe, expect, it } from 'vitest';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { Pacer, PacerTurn, UpstreamCall, WaitForTurnOptions } from '@/lib/pacing/pacer';
import { isRateLimited, MAX_RATE_LIMIT_RETRIES, pacedXipuCall, type RateLimitBudget } from '@/lib/xipu/sessions/paced-xipu-call';

const rateLimited = () => new GatewayError('Request too fast', { status: 429, type: 'upstream_error', code: 'upstream_rate_limited', retryable: true });
const otherFailure = () => new GatewayError('refused', { status: 502, type: 'upstream_error', code: 'upstream_error' });

/** A pacer that grants every turn at once and writes down what happens, in order. */
function recordingPacer() {
  const events: string[] = [];
  const waits: { call: UpstreamCall; options?: WaitForTurnOptions }[] = [];
  const pacer: Pacer = {
    async waitForTurn(call, options) {
      waits.push({ call, options });
      const number = waits.length;
      events.push(`turn ${number}`);
      const turn: PacerTurn = {
        slotAt: 0,
        waitedMs: 0,
        answered: async () => void events.push(`answered ${number}`),
        releaseHold: async () => undefined,
        giveBack: async () => undefined,
        renewHold: async () => true,
      };
      return turn;
    },
    earliestStart: async () => ({ waitMs: 0 }),
  };
  return { pacer, events, waits };
}

/** An operation that fails with the listed errors in turn, then answers `'ok'`. */
function scripted(failures: (() => Error)[], events: string[]) {
  let attempt = 0;
  return async (turn: PacerTurn) => {
    attempt += 1;
    events.push(`call ${attempt}`);
    expect(turn.slotAt).toBe(0);
    const failure = failures[attempt - 1];
    if (failure) throw failure();
    return 'ok';
  };
}

describe('pacedXipuCall', () => {
  it.each([
    { case: 'an answer at once', failures: [], result: 'ok', attempts: 1 },
    { case: 'one 429, then an answer', failures: [rateLimited], result: 'ok', attempts: 2 },
    { case: 'two 429s, then an answer', failures: [rateLimited, rateLimited], result: 'ok', attempts: 3 },
    { case: 'three 429s: the third is thrown', failures: [rateLimited, rateLimited, rateLimited], result: 'upstream_rate_limited', attempts: 3 },
    { case: 'another error: thrown at once', failures: [otherFailure], result: 'upstream_error', attempts: 1 },
    { case: 'a 429, then another error', failures: [rateLimited, otherFailure], result: 'upstream_error', attempts: 2 },
  ])('$case', async ({ failures, result, attempts }) => {
    const { pacer, events, waits } = recordingPacer();
    const outcome = await pacedXipuCall(pacer, 'completions', scripted(failures, events), {
      signal: undefined,
      afterFailure: async () => void events.push('after failure'),
    }).catch((error: GatewayError) => error.code);
    expect(outcome).toBe(result);
    expect(waits).toHaveLength(attempts);
    const expected = Array.from({ length: attempts }, (_, index) => {
      const number = index + 1;
      const failed = index < failures.length;
      return [`turn ${number}`, `call ${number}`, `answered ${number}`, ...(failed ? ['after failure'] : [])];
    }).flat();
    expect(events).toEqual(expected);
  });

  it('passes the turn options on to the pacer, and nothing else', async () => {
    const { pacer, events, waits } = recordingPacer();
    const signal = new AbortController().signal;
    const defer = () => undefined;
    await pacedXipuCall(pacer, 'saveSession', scripted([], events), { signal, holdStream: true, defer, afterFailure: async () => undefined, rateLimitBudget: { retried: 0 } });
    expect(waits).toEqual([{ call: 'saveSession', options: { signal, holdStream: true, defer } }]);
  });

  it('tells onTurn of every turn with its wait (a 429 retry too), and does not pass it to the pacer', async () => {
    const { pacer, events, waits } = recordingPacer();
    const turns: unknown[] = [];
    const result = await pacedXipuCall(pacer, 'completions', scripted([rateLimited], events), { onTurn: (turn) => turns.push(turn) });
    expect(result).toBe('ok');
    expect(turns).toEqual([
      { call: 'completions', waitedMs: 0 },
      { call: 'completions', waitedMs: 0 },
    ]);
    expect(waits.map((wait) => wait.options)).toEqual([{}, {}]);
  });

  it.each([
    { retriedBefore: 0, failures: 2, result: 'ok' },
    { retriedBefore: 1, failures: 1, result: 'ok' },
    { retriedBefore: 1, failures: 2, result: 'upstream_rate_limited' },
    { retriedBefore: MAX_RATE_LIMIT_RETRIES, failures: 1, result: 'upstream_rate_limited' },
  ])('a shared budget with $retriedBefore retries spent, $failures 429s → $result', async ({ retriedBefore, failures, result }) => {
    const { pacer, events } = recordingPacer();
    const budget: RateLimitBudget = { retried: retriedBefore };
    const outcome = await pacedXipuCall(pacer, 'saveSession', scripted(Array.from({ length: failures }, () => rateLimited), events), {
      rateLimitBudget: budget,
    }).catch((error: GatewayError) => error.code);
    expect(outcome).toBe(result);
    expect(budget.retried).toBe(Math.min(MAX_RATE_LIMIT_RETRIES, retriedBefore + failures));
  });

  it.each([
    { error: rateLimited(), expected: true },
    { error: otherFailure(), expected: false },
    { error: new Error('upstream_rate_limited'), expected: false },
    { error: 'upstream_rate_limited', expected: false },
  ])('isRateLimited($error) → $expected', ({ error, expected }) => {
    expect(isRateLimited(error)).toBe(expected);
  });
});
