import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { createBlockTracker } from '@/lib/providers/stream-blocks';

/**
 * Ends the answer itself before the platform kills the function (the route's maxDuration),
 * leaving time for cleanup: a bracketed notice (in the open text block, else a new one), every
 * open block ended, then `finish_reason: "length"`.
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
  const blocks = createBlockTracker();
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
          const openText = blocks.openText();
          const ends = blocks.endAll().filter((end) => end.type !== 'text-end');
          for (const end of ends) controller.enqueue(end);
          const id = openText ?? blocks.freshId('text');
          if (openText === undefined) controller.enqueue({ type: 'text-start', id });
          controller.enqueue({ type: 'text-delta', id, text: notice });
          controller.enqueue({ type: 'text-end', id });
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
      blocks.observe(part);
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
