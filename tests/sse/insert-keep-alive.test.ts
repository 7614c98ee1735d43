import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEEP_ALIVE_EVENT, insertKeepAlive } from '@/lib/sse/insert-keep-alive';

/** A manual clock: timers fire only when the test advances it. */
class FakeTimers {
  now = 0;
  private nextHandle = 1;
  private readonly timers = new Map<number, { due: number; callback: () => void }>();
  readonly delays: number[] = [];

  setTimer = (callback: () => void, delayMs: number): unknown => {
    const handle = this.nextHandle++;
    this.delays.push(delayMs);
    this.timers.set(handle, { due: this.now + delayMs, callback });
    return handle;
  };

  clearTimer = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const next = [...this.timers.entries()].filter(([, timer]) => timer.due <= end).sort((a, b) => a[1].due - b[1].due)[0];
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.now = next[1].due;
      next[1].callback();
    }
    this.now = end;
  }
}

/** Lets queued stream operations settle (real macrotask; the stream's clock is fake). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(intervalMs?: number) {
  const timers = new FakeTimers();
  const stream = insertKeepAlive({ ...(intervalMs === undefined ? {} : { intervalMs }), setTimer: timers.setTimer, clearTimer: timers.clearTimer });
  const output: string[] = [];
  const client = new AbortController();
  const piped = stream.readable
    .pipeTo(new WritableStream({ write: (event) => void output.push(event) }), { signal: client.signal })
    .catch(() => undefined);
  const writer = stream.writable.getWriter();
  return { timers, output, piped, writer, disconnect: () => client.abort() };
}

describe('insertKeepAlive', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends the given keep-alive event instead of the comment (Anthropic’s event: ping)', async () => {
    const timers = new FakeTimers();
    const ping = 'event: ping\ndata: {"type":"ping"}\n\n';
    const stream = insertKeepAlive({ event: ping, intervalMs: 1000, setTimer: timers.setTimer, clearTimer: timers.clearTimer });
    const output: string[] = [];
    const piped = stream.readable.pipeTo(new WritableStream({ write: (event) => void output.push(event) }));
    const writer = stream.writable.getWriter();
    await writer.write('event: a\ndata: {}\n\n');
    timers.advance(1000);
    await writer.close();
    await piped;
    expect(output).toEqual(['event: a\ndata: {}\n\n', ping]);
  });

  it('inserts a keep-alive after each silence and none while events flow', async () => {
    const { timers, output, piped, writer } = setup(1000);
    timers.advance(999);
    await settle();
    expect(output).toEqual([]);

    timers.advance(1);
    await writer.write('data: a\n\n');
    timers.advance(999);
    await writer.write('data: b\n\n');
    timers.advance(999);
    await settle();
    timers.advance(1);
    timers.advance(1000);
    await writer.write('data: [DONE]\n\n');
    await writer.close();
    await piped;

    expect(output).toEqual([KEEP_ALIVE_EVENT, 'data: a\n\n', 'data: b\n\n', KEEP_ALIVE_EVENT, KEEP_ALIVE_EVENT, 'data: [DONE]\n\n']);
    expect(timers.pending).toBe(0);
  });

  it('sends the comment as its own event, not a ping', () => {
    expect(KEEP_ALIVE_EVENT).toBe(': keep-alive\n\n');
  });

  it('defaults to 15 seconds', async () => {
    const { timers, output, writer, piped } = setup();
    expect(timers.delays).toEqual([15_000]);
    timers.advance(14_999);
    await settle();
    expect(output).toEqual([]);
    timers.advance(1);
    await writer.close();
    await piped;
    expect(output).toEqual([KEEP_ALIVE_EVENT]);
  });

  it.each<[string, (context: ReturnType<typeof setup>) => Promise<unknown>]>([
    ['the input closes', ({ writer }) => writer.close()],
    ['the input aborts', ({ writer }) => writer.abort(new Error('upstream failed'))],
    ['the client disconnects', ({ disconnect }) => Promise.resolve(disconnect())],
  ])('leaves no timer running when %s', async (_name, end) => {
    const context = setup(1000);
    await context.writer.write('data: a\n\n');
    expect(context.timers.pending).toBe(1);
    await end(context).catch(() => undefined);
    await context.piped;
    await settle();
    expect(context.timers.pending).toBe(0);
    context.timers.advance(10_000);
    await settle();
    expect(context.output).toEqual(['data: a\n\n']);
  });

  it('stops when the reader cancels', async () => {
    const timers = new FakeTimers();
    const stream = insertKeepAlive({ intervalMs: 1000, setTimer: timers.setTimer, clearTimer: timers.clearTimer });
    expect(timers.pending).toBe(1);
    await stream.readable.cancel('client disconnected');
    expect(timers.pending).toBe(0);
  });

  it('stops on its own once nobody can read the output', async () => {
    const timers = new FakeTimers();
    const stream = insertKeepAlive({ intervalMs: 1000, setTimer: timers.setTimer, clearTimer: () => undefined });
    const reader = stream.readable.getReader();
    await reader.cancel();
    // clearTimer is a no-op here, so the timer fires against a closed readable.
    timers.advance(1000);
    expect(timers.pending).toBe(0);
  });

  it('works with the default setTimeout/clearTimeout', async () => {
    vi.useFakeTimers();
    const stream = insertKeepAlive({ intervalMs: 100 });
    const reader = stream.readable.getReader();
    const writer = stream.writable.getWriter();
    vi.advanceTimersByTime(100);
    expect(await reader.read()).toEqual({ done: false, value: KEEP_ALIVE_EVENT });
    const closed = writer.close();
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    await closed;
    expect(vi.getTimerCount()).toBe(0);
  });
});
