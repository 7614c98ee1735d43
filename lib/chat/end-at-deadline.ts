import type { ChatStreamPart } from '@/lib/providers/chat-provider';

/**
 * Ends the answer itself before the platform kills the function (the route's maxDuration),
 * leaving time for cleanup: a bracketed notice, then `finish_reason: "length"`.
 * Terminating cancels the upstream read.
 */
export function endAtDeadline(options: {
  deadlineAt: number;
  now?: () => number;
  notice?: string;
}): TransformStream<ChatStreamPart, ChatStreamPart> {
  const now = options.now ?? Date.now;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finished = false;
  const notice =
    options.notice ?? '\n\n[The answer was cut off: it reached the gateway\'s time limit for one response. Ask the model to continue.]';
  // `cancel` is in the Streams spec and Node >= 20 calls it (a client disconnect); TypeScript's
  // DOM lib lacks it. It stops the timer at once instead of at the deadline.
  const transformer: Transformer<ChatStreamPart, ChatStreamPart> & { cancel: () => void } = {
    cancel() {
      finished = true;
      clearTimeout(timer);
    },
    start(controller) {
      timer = setTimeout(() => {
        if (finished) return;
        finished = true;
        try {
          controller.enqueue({ type: 'text-delta', text: notice });
          controller.enqueue({ type: 'finish', finishReason: 'length' });
          controller.terminate();
        } catch {
          // the consumer already cancelled: nothing left to end
        }
      }, Math.max(0, options.deadlineAt - now()));
      timer.unref?.();
    },
    transform(part, controller) {
      if (finished) return;
      if (part.type === 'finish' || part.type === 'error') {
        finished = true;
        clearTimeout(timer);
      }
      controller.enqueue(part);
    },
    flush() {
      clearTimeout(timer);
    },
  };
  return new TransformStream<ChatStreamPart, ChatStreamPart>(transformer);
}
