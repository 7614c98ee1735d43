import { afterEach, describe, expect, it, vi } from 'vitest';
import { endAtDeadline } from '@/lib/chat/end-at-deadline';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';

afterEach(() => {
  vi.useRealTimers();
});

describe('endAtDeadline', () => {
  it('ends a stream that is still running at the deadline with a notice and finish_reason length, cancelling the source', async () => {
    vi.useFakeTimers();
    let cancelled = false;
    let push!: (part: ChatStreamPart) => void;
    const source = new ReadableStream<ChatStreamPart>({
      start(controller) {
        push = (part) => controller.enqueue(part);
      },
      cancel() {
        cancelled = true;
      },
    });
    const start = Date.now();
    const reader = source.pipeThrough(endAtDeadline({ deadlineAt: start + 10_000 })).getReader();
    push({ type: 'text-delta', text: 'a long answer' });
    expect(await reader.read()).toEqual({ done: false, value: { type: 'text-delta', text: 'a long answer' } });

    await vi.advanceTimersByTimeAsync(10_000);
    const notice = await reader.read();
    expect(notice.value).toMatchObject({ type: 'text-delta', text: expect.stringContaining('time limit') });
    expect((await reader.read()).value).toEqual({ type: 'finish', finishReason: 'length' });
    expect((await reader.read()).done).toBe(true);
    await vi.waitFor(() => expect(cancelled).toBe(true));
  });

  it('leaves a stream that finishes in time untouched', async () => {
    const parts: ChatStreamPart[] = [
      { type: 'text-delta', text: 'quick' },
      { type: 'finish', finishReason: 'stop' },
    ];
    const output: ChatStreamPart[] = [];
    const stream = new ReadableStream<ChatStreamPart>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    }).pipeThrough(endAtDeadline({ deadlineAt: Date.now() + 60_000 }));
    const reader = stream.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) output.push(next.value);
    expect(output).toEqual(parts);
  });
});
