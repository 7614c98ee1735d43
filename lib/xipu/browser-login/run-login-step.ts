import { TimeoutError } from 'puppeteer-core';
import { BrowserLoginError, type LoginStep } from './browser-login-error';

/** What every step function gets: its own time budget, and a signal that aborts when it runs out or the step ends. */
export interface StepLimits {
  timeoutMs: number;
  /** Aborts with a `StepTimeoutError` after `timeoutMs`, and when the step ends (cancelling leftover waits). */
  signal: AbortSignal;
}

export type LoginStepStatus = 'started' | 'done' | 'failed';

export interface LoginStepEvent {
  step: LoginStep;
  status: LoginStepStatus;
  /** Milliseconds since the login began (a timeline: a step's duration is the difference). */
  elapsedMs: number;
}

export interface StepRunContext {
  timeoutMs: number;
  /** Clock, epoch ms. */
  now: () => number;
  /** `now()` when the login began. */
  startedAt: number;
  onStep?: (event: LoginStepEvent) => void;
}

/**
 * Time a step may overrun its budget before it is abandoned: the step's own waits stop at
 * `timeoutMs` (through the signal and puppeteer's timeouts) and explain why; this backstop
 * only catches a browser call that hangs regardless.
 */
export const STEP_BACKSTOP_GRACE_MS = 2_000;

/** A step's budget ran out. */
export class StepTimeoutError extends Error {
  override readonly name = 'StepTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`did not finish within ${timeoutMs} ms`);
  }
}

/**
 * Runs one login step within its time budget and reports it to `onStep` (started, then done
 * or failed; an observer that throws is ignored).
 *
 * @returns what the step returns.
 * @throws BrowserLoginError naming `step` (without screenshot: the caller adds it). A step
 *   may throw its own BrowserLoginError (kept as is); any other error becomes its `detail`.
 */
export async function runLoginStep<T>(
  step: LoginStep,
  action: (limits: StepLimits) => Promise<T>,
  context: StepRunContext,
): Promise<T> {
  const report = (status: LoginStepStatus) => {
    try {
      context.onStep?.({ step, status, elapsedMs: context.now() - context.startedAt });
    } catch {
      // An observer must not break the login.
    }
  };
  const { timeoutMs } = context;
  const controller = new AbortController();
  const budgetTimer = setTimeout(() => controller.abort(new StepTimeoutError(timeoutMs)), timeoutMs);
  let backstopTimer: ReturnType<typeof setTimeout> | undefined;
  const backstop = new Promise<never>((_, reject) => {
    backstopTimer = setTimeout(() => reject(new StepTimeoutError(timeoutMs)), timeoutMs + STEP_BACKSTOP_GRACE_MS);
  });

  report('started');
  try {
    const result = await Promise.race([action({ timeoutMs, signal: controller.signal }), backstop]);
    report('done');
    return result;
  } catch (error) {
    report('failed');
    throw toStepError(step, error, timeoutMs);
  } finally {
    clearTimeout(budgetTimer);
    clearTimeout(backstopTimer);
    controller.abort();
  }
}

function toStepError(step: LoginStep, error: unknown, timeoutMs: number): BrowserLoginError {
  if (error instanceof BrowserLoginError) return error;
  if (error instanceof StepTimeoutError) return new BrowserLoginError({ step, detail: error.message });
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof TimeoutError) {
    return new BrowserLoginError({ step, detail: `did not finish within ${timeoutMs} ms (${message})`, cause: error });
  }
  return new BrowserLoginError({ step, detail: message, cause: error });
}
