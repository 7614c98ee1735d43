import { logEvent } from '@/lib/log/log-event';
import type { ChatStreamPart, FinishReason } from '@/lib/providers/chat-provider';
import { assertNever } from '@/lib/providers/stream-blocks';

/** Watches one answer's timing and outcome, not its content. */
export interface ChatRunObserver {
  /** The first text or reasoning part is on its way to the client (epoch ms). */
  firstToken(at: number): void;
  /** The answer is over; called once. */
  ended(end: ChatRunEnd): void;
}

export type ChatRunEnd =
  /** Ended with a finish reason (`content_filter` included: the service answered). */
  | { at: number; outcome: 'finish'; finishReason: FinishReason }
  /** Failed after it started: the error's code (else its type). */
  | { at: number; outcome: 'error'; error: string }
  /** The client stopped reading (disconnect). */
  | { at: number; outcome: 'cancelled' };

/**
 * The pipeline's last step: passes every part through unchanged and tells `observer` (the
 * metrics recorder) when the first token goes out and how the answer ended, and logs
 * `chat_finished`. It sees the parts as the client gets them, after every shaping step, so a
 * stop sequence or the time limit is the outcome recorded.
 */
export function observeChatRun(options: {
  requestId: string;
  /** When the request started (epoch ms), for the logged duration. */
  startedAt: number;
  now: () => number;
  observer?: ChatRunObserver;
}): TransformStream<ChatStreamPart, ChatStreamPart> {
  let finishReason: FinishReason | 'error' | undefined;
  let failure: string | undefined;
  let sawToken = false;
  let ended = false;
  const end = (outcome: ChatRunEnd): void => {
    if (ended) return;
    ended = true;
    options.observer?.ended(outcome);
  };
  // `cancel` (the client stopped reading) is in the Streams spec and Node 20.20+, but not yet
  // in TypeScript’s DOM types; where it is not called, the observer is told no end at all.
  const observing: Transformer<ChatStreamPart, ChatStreamPart> & { cancel: (reason: unknown) => void } = {
    transform(part, controller) {
      switch (part.type) {
        case 'text-delta':
        case 'reasoning-delta':
        case 'tool-call-delta': {
          if (!sawToken) {
            sawToken = true;
            options.observer?.firstToken(options.now());
          }
          break;
        }
        case 'finish':
          finishReason = part.finishReason;
          break;
        case 'error':
          finishReason = 'error';
          failure = part.error.code ?? part.error.type;
          break;
        case 'text-start':
        case 'text-end':
        case 'reasoning-start':
        case 'reasoning-end':
        case 'tool-call-start':
        case 'tool-call-end':
        case 'usage':
          break;
        default:
          assertNever(part);
      }
      controller.enqueue(part);
    },
    flush() {
      const at = options.now();
      logEvent('info', 'chat_finished', {
        requestId: options.requestId,
        finishReason: finishReason ?? 'none',
        durationMs: at - options.startedAt,
      });
      if (finishReason === undefined || finishReason === 'error') {
        // Neither finish nor error: the encoders report it as incompleteStreamError().
        end({ at, outcome: 'error', error: failure ?? 'incomplete_stream' });
      } else {
        end({ at, outcome: 'finish', finishReason });
      }
    },
    cancel() {
      end({ at: options.now(), outcome: 'cancelled' });
    },
  };
  return new TransformStream<ChatStreamPart, ChatStreamPart>(observing);
}
