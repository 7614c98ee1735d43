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
    push({ type: 'text-start', id: 'text-0' });
    push({ type: 'text-delta', id: 'text-0', text: 'a long answer' });
    expect(await reader.read()).toEqual({ done: false, value: { type: 'text-start', id: 'text-0' } });
    expect(await reader.read()).toEqual({ done: false, value: { type: 'text-delta', id: 'text-0', text: 'a long answer' } });

    await vi.advanceTimersByTimeAsync(10_000);
    const notice = await reader.read();
    // The notice joins the open text block, which then ends.
    expect(notice.value).toMatchObject({ type: 'text-delta', id: 'text-0', text: expect.stringContaining('time limit') });
    expect((await reader.read()).value).toEqual({ type: 'text-end', id: 'text-0' });
    expect((await reader.read()).value).toEqual({ type: 'finish', finishReason: 'length' });
    expect((await reader.read()).done).toBe(true);
    await vi.waitFor(() => expect(cancelled).toBe(true));
  });

  it('at the deadline inside reasoning: ends the reasoning block, the notice in a new text block', async () => {
    vi.useFakeTimers();
    let push!: (part: ChatStreamPart) => void;
    const source = new ReadableStream<ChatStreamPart>({
      start(controller) {
        push = (part) => controller.enqueue(part);
      },
    });
    const reader = source.pipeThrough(endAtDeadline({ deadlineAt: Date.now() + 10_000, notice: '[cut]' })).getReader();
    for (const part of [
      { type: 'text-start', id: 'text-0' },
      { type: 'text-end', id: 'text-0' },
      { type: 'reasoning-start', id: 'reasoning-0' },
    ] as const) {
      push(part);
      expect((await reader.read()).value).toEqual(part);
    }
    await vi.advanceTimersByTimeAsync(10_000);
    const rest: ChatStreamPart[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest.push(next.value);
    expect(rest).toEqual([
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', text: '[cut]' },
      { type: 'text-end', id: 'text-1' },
      { type: 'finish', finishReason: 'length' },
    ]);
  });

  it('leaves a stream that finishes in time untouched', async () => {
    const parts: ChatStreamPart[] = [
      { type: 'text-delta', id: 'text-0', text: 'quick' },
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
