import { describe, expect, it } from 'vitest';
import { startBeforeDeadline } from '@/lib/chat/start-before-deadline';
import { abortableSleep } from '@/lib/pacing/abortable-sleep';

describe('startBeforeDeadline', () => {
  it('passes a start that comes in time through, and its signal never fires afterwards', async () => {
    let seen: AbortSignal | undefined;
    const value = await startBeforeDeadline({ deadlineMs: 50, signal: new AbortController().signal }, async (signal) => {
      seen = signal;
      return 'started';
    });
    expect(value).toBe('started');
    await abortableSleep(80);
    expect(seen?.aborted).toBe(false);
  });

  it('a start still waiting at the deadline: 503 upstream_start_timeout with Retry-After, the wait aborted', async () => {
    let waitAborted = false;
    const started = Date.now();
    const attempt = startBeforeDeadline({ deadlineMs: 100, signal: new AbortController().signal }, async (signal) => {
      await abortableSleep(10_000, signal).catch((error: unknown) => {
        waitAborted = true;
        throw error;
      });
    });
    await expect(attempt).rejects.toMatchObject({ status: 503, code: 'upstream_start_timeout', retryAfterSeconds: 30, retryable: true });
    expect(waitAborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("the client's own abort passes through as it is", async () => {
    const client = new AbortController();
    const attempt = startBeforeDeadline({ deadlineMs: 10_000, signal: client.signal }, (signal) => abortableSleep(10_000, signal));
    client.abort(new Error('client went away'));
    await expect(attempt).rejects.toThrow('client went away');
  });

  it('a failure before the deadline passes through unchanged', async () => {
    const attempt = startBeforeDeadline({ deadlineMs: 10_000, signal: new AbortController().signal }, async () => {
      throw new Error('upstream refused');
    });
    await expect(attempt).rejects.toThrow('upstream refused');
  });
});
