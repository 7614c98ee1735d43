import { describe, expect, it, vi } from 'vitest';
import { createRequestRecorder, type RequestRecorderOptions } from '@/lib/metrics/create-request-recorder';
import { readRecentRequests } from '@/lib/metrics/read-recent-requests';
import { createMemoryStore } from '@/lib/store/memory-store';
import type { Store } from '@/lib/store/store';

const START = Date.UTC(2026, 10, 22, 12, 0);

function setup(overrides: Partial<RequestRecorderOptions> = {}) {
  let time = START;
  const store = createMemoryStore({ now: () => time });
  const controller = new AbortController();
  const recorder = createRequestRecorder({
    store,
    requestId: 'req_abc',
    client: 'alice',
    startedAt: START,
    now: () => time,
    signal: controller.signal,
    endWaitMs: 50,
    ...overrides,
  });
  return { recorder, store, controller, at: (ms: number) => (time = START + ms) };
}

const recorded = async (store: Store) => readRecentRequests(store, 10);

describe('createRequestRecorder', () => {
  it('a streamed answer: status at the headers, time to first token, duration to the stream’s end', async () => {
    const { recorder, store } = setup();
    recorder.describe({ model: 'gpt-4.1', stream: true });
    recorder.answered({ status: 200, at: START + 900 });
    recorder.firstToken(START + 1_200);
    recorder.firstToken(START + 1_300);
    recorder.ended({ at: START + 4_000, outcome: 'finish', finishReason: 'stop' });
    await recorder.save();
    await recorder.save();
    expect(await recorded(store)).toEqual([
      { at: START, requestId: 'req_abc', client: 'alice', model: 'gpt-4.1', stream: true, status: 200, finishReason: 'stop', ttftMs: 1_200, durationMs: 4_000 },
    ]);
  });

  it('a non-streamed answer ends when it is sent', async () => {
    const { recorder, store } = setup();
    recorder.describe({ model: 'gpt-4.1', stream: false });
    recorder.firstToken(START + 1_000);
    recorder.ended({ at: START + 2_000, outcome: 'finish', finishReason: 'content_filter' });
    recorder.answered({ status: 200, at: START + 2_010 });
    await recorder.save();
    expect(await recorded(store)).toMatchObject([{ status: 200, finishReason: 'content_filter', ttftMs: 1_000, durationMs: 2_010 }]);
  });

  it('a failure before the answer: its status and error code, no model when the body was unreadable', async () => {
    const { recorder, store, at } = setup();
    recorder.answered({ status: 400, error: 'invalid_request_error', at: START + 5 });
    at(60_000); // saved much later: the duration is still the answer's
    await recorder.save();
    expect(await recorded(store)).toEqual([{ at: START, requestId: 'req_abc', client: 'alice', status: 400, error: 'invalid_request_error', durationMs: 5 }]);
  });

  it('a stream that failed after its 200 keeps 200 and carries the error code', async () => {
    const { recorder, store } = setup();
    recorder.describe({ model: 'gpt-4.1', stream: true });
    recorder.answered({ status: 200, at: START + 900 });
    recorder.firstToken(START + 1_000);
    recorder.ended({ at: START + 1_500, outcome: 'error', error: 'upstream_stream_interrupted' });
    await recorder.save();
    expect(await recorded(store)).toMatchObject([{ status: 200, error: 'upstream_stream_interrupted', durationMs: 1_500 }]);
  });

  it.each([
    ['the stream was cancelled', (recorder: ReturnType<typeof setup>) => recorder.recorder.ended({ at: START + 1_500, outcome: 'cancelled' })],
    [
      'the client went away and the upstream broke off',
      ({ recorder, controller }: ReturnType<typeof setup>) => {
        controller.abort();
        recorder.ended({ at: START + 1_500, outcome: 'error', error: 'upstream_stream_interrupted' });
      },
    ],
  ])('a client gone mid-stream is a 499 (%s)', async (_label, leave) => {
    const context = setup();
    context.recorder.answered({ status: 200, at: START + 900 });
    leave(context);
    await context.recorder.save();
    expect(await recorded(context.store)).toMatchObject([{ status: 499, error: 'client_closed_request', durationMs: 1_500 }]);
  });

  it('waits a little for a stream’s end it has not seen yet, then records what it knows', async () => {
    const late = setup({ endWaitMs: 5_000 });
    late.recorder.answered({ status: 200, at: START + 900 });
    const saving = late.recorder.save();
    late.recorder.ended({ at: START + 2_000, outcome: 'finish', finishReason: 'stop' });
    await saving;
    expect(await recorded(late.store)).toMatchObject([{ status: 200, finishReason: 'stop', durationMs: 2_000 }]);

    const never = setup({ endWaitMs: 20 });
    never.recorder.answered({ status: 200, at: START + 900 });
    never.at(3_000);
    await never.recorder.save();
    expect(await recorded(never.store)).toMatchObject([{ status: 200, durationMs: 3_000 }]);
  });

  it('never fails the request: a store failure is logged', async () => {
    const broken = createMemoryStore();
    broken.run = () => Promise.reject(new Error('Upstash is down'));
    const warn = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { recorder } = setup({ store: broken });
    recorder.answered({ status: 502, error: 'upstream_error', at: START + 10 });
    await expect(recorder.save()).resolves.toBeUndefined();
    expect(warn.mock.calls.flat().join('\n')).toContain('metrics_write_failed');
    warn.mockRestore();
  });

  it('cuts a long model id', async () => {
    const { recorder, store } = setup();
    recorder.describe({ model: 'm'.repeat(5_000), stream: false });
    recorder.answered({ status: 404, error: 'model_not_found', at: START + 10 });
    await recorder.save();
    expect((await recorded(store))[0]?.model).toHaveLength(100);
  });
});
