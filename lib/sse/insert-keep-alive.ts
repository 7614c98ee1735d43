/**
 * An SSE comment sent as its own event. Not `: ping` — Continue treats a line starting with
 * `: ping` as the end of the stream (docs/client-compat §16).
 */
export const KEEP_ALIVE_EVENT = ': keep-alive\n\n';

/** Proxies and clients drop idle connections after 30–100 s; 15 s stays well below. */
const DEFAULT_INTERVAL_MS = 15_000;

export interface InsertKeepAliveOptions {
  /** The keep-alive to send; default {@link KEEP_ALIVE_EVENT}. Anthropic's clients expect `event: ping`. */
  event?: string;
  /** Silence after which a keep-alive is sent; default 15 000 ms. */
  intervalMs?: number;
  /** Starts a one-shot timer; default `setTimeout`. */
  setTimer?: (callback: () => void, delayMs: number) => unknown;
  /** Stops a timer started by `setTimer`; default `clearTimeout`. */
  clearTimer?: (handle: unknown) => void;
}

/**
 * Passes complete SSE events through unchanged and emits the keep-alive event whenever
 * nothing was written for `intervalMs` (including after the previous keep-alive). Input strings
 * must be whole events, so a comment never lands inside one.
 *
 * Cleans up: the timer stops when the input ends (flush), when either side is cancelled or
 * aborted, or when the readable side can no longer accept output.
 */
export function insertKeepAlive(options: InsertKeepAliveOptions = {}): TransformStream<string, string> {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const keepAliveEvent = options.event ?? KEEP_ALIVE_EVENT;
  const setTimer = options.setTimer ?? ((callback: () => void, delayMs: number) => setTimeout(callback, delayMs));
  const clearTimer = options.clearTimer ?? ((handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>));

  let timer: unknown;
  let hasTimer = false;
  let stopped = false;

  const stop = (): void => {
    stopped = true;
    if (hasTimer) clearTimer(timer);
    hasTimer = false;
  };

  const restart = (controller: TransformStreamDefaultController<string>): void => {
    if (hasTimer) clearTimer(timer);
    hasTimer = false;
    if (stopped) return;
    timer = setTimer(() => {
      hasTimer = false;
      try {
        controller.enqueue(keepAliveEvent);
      } catch {
        // The readable side is closed or errored: nobody is listening any more.
        stop();
        return;
      }
      restart(controller);
    }, intervalMs);
    hasTimer = true;
  };

  // `cancel` is in the Streams spec and Node >= 20 calls it; TypeScript's DOM lib lacks it.
  const transformer: Transformer<string, string> & { cancel: (reason: unknown) => void } = {
    start(controller) {
      restart(controller);
    },
    transform(event, controller) {
      controller.enqueue(event);
      restart(controller);
    },
    flush() {
      stop();
    },
    cancel() {
      stop();
    },
  };
  return new TransformStream<string, string>(transformer);
}
