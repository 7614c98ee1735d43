import { TimeoutError } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { BrowserLoginError } from '@/lib/xipu/browser-login/browser-login-error';
import { runLoginStep, STEP_BACKSTOP_GRACE_MS, type LoginStepEvent, type StepRunContext } from '@/lib/xipu/browser-login/run-login-step';

/** A clock that moves only when told, and the events reported against it. */
function fakeContext(timeoutMs = 1_000): { context: StepRunContext; events: LoginStepEvent[]; advance: (ms: number) => void } {
  let time = 10_000;
  const events: LoginStepEvent[] = [];
  return {
    events,
    advance: (ms) => {
      time += ms;
    },
    context: { timeoutMs, now: () => time, startedAt: 9_000, onStep: (event) => events.push(event) },
  };
}

describe('runLoginStep', () => {
  it('returns the step result and reports started then done, timed from the login start', async () => {
    const { context, events, advance } = fakeContext();

    const result = await runLoginStep('open-portal', async () => {
      advance(250);
      return 'page';
    }, context);

    expect(result).toBe('page');
    expect(events).toEqual([
      { step: 'open-portal', status: 'started', elapsedMs: 1_000 },
      { step: 'open-portal', status: 'done', elapsedMs: 1_250 },
    ]);
  });

  it('names the step in any error the step throws, keeping it as the cause', async () => {
    const { context, events } = fakeContext();
    const cause = new Error('Node is detached from document');

    const error = await runLoginStep('open-chat-page', () => Promise.reject(cause), context).catch((failure: unknown) => failure);

    expect(error).toBeInstanceOf(BrowserLoginError);
    expect(error).toMatchObject({
      step: 'open-chat-page',
      detail: 'Node is detached from document',
      message: "Browser login failed at step 'open-chat-page': Node is detached from document",
      retryable: true,
      cause,
    });
    expect(events.map((event) => event.status)).toEqual(['started', 'failed']);
  });

  it('keeps a BrowserLoginError the step throws itself', async () => {
    const refused = new BrowserLoginError({ step: 'submit-login', detail: "the SSO refused the login: 'nope'", retryable: false });

    await expect(runLoginStep('submit-login', () => Promise.reject(refused), fakeContext().context)).rejects.toBe(refused);
  });

  it('aborts the step signal when the budget runs out', async () => {
    const { context } = fakeContext(50);
    let signalReason: unknown;

    const error = await runLoginStep(
      'open-new-chat',
      (limits) =>
        new Promise((_, reject) => {
          limits.signal.addEventListener('abort', () => {
            signalReason = limits.signal.reason;
            reject(limits.signal.reason);
          });
        }),
      context,
    ).catch((failure: unknown) => failure);

    expect(signalReason).toMatchObject({ name: 'StepTimeoutError', timeoutMs: 50 });
    expect(error).toMatchObject({ step: 'open-new-chat', detail: 'did not finish within 50 ms' });
  });

  it("reports puppeteer's own timeouts as the step's timeout", async () => {
    const error = await runLoginStep(
      'open-portal',
      () => Promise.reject(new TimeoutError('Navigation timeout of 50 ms exceeded')),
      fakeContext(50).context,
    ).catch((failure: unknown) => failure);

    expect(error).toMatchObject({ detail: 'did not finish within 50 ms (Navigation timeout of 50 ms exceeded)' });
  });

  it('abandons a step that ignores its signal once the grace after its budget has passed', async () => {
    const startedAt = performance.now();

    const error = await runLoginStep('fill-credentials', () => new Promise(() => undefined), fakeContext(20).context).catch(
      (failure: unknown) => failure,
    );

    expect(error).toMatchObject({ step: 'fill-credentials', detail: 'did not finish within 20 ms' });
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(20 + STEP_BACKSTOP_GRACE_MS - 5);
  });

  it('aborts leftover waits when the step ends', async () => {
    let signal: AbortSignal | undefined;
    await runLoginStep('open-chat-page', async (limits) => {
      signal = limits.signal;
    }, fakeContext().context);

    expect(signal?.aborted).toBe(true);
  });

  it('ignores an observer that throws', async () => {
    const context = { ...fakeContext().context, onStep: () => {
      throw new Error('observer failed');
    } };

    await expect(runLoginStep('launch-browser', async () => 'browser', context)).resolves.toBe('browser');
  });
});
