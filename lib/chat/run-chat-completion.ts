import { randomBytes } from 'node:crypto';
import { logEvent } from '@/lib/log/log-event';
import { collectChatCompletion } from '@/lib/openai/collect-chat-completion';
import { createChatStreamEncoder } from '@/lib/openai/encode-chat-stream';
import { sseResponse } from '@/lib/openai/sse-response';
import type { ChatProvider, ChatRequest, ChatStreamPart, FinishReason } from '@/lib/providers/chat-provider';
import { assertNever } from '@/lib/providers/stream-blocks';
import { insertKeepAlive } from '@/lib/sse/insert-keep-alive';
import { countChatUsage } from './count-tokens';
import { cutAtStopSequences } from './cut-at-stop-sequences';
import { endAtDeadline } from './end-at-deadline';
import { startBeforeDeadline } from './start-before-deadline';
import { guardEmptyAnswer } from './guard-empty-answer';

/** The chat routes' `maxDuration` (s): Vercel Hobby with Fluid compute allows 300. */
export const CHAT_ROUTE_MAX_DURATION_SECONDS = 300;
/**
 * Time kept after the answer for cleanup before the platform's limit: deleting the upstream
 * session waits for its turn (≤ PACER_MAX_WAIT_MS, 30 s) and for XIPU's answer.
 */
const CLEANUP_RESERVE_MS = 60_000;

export interface ChatRunScope {
  provider: ChatProvider;
  requestId: string;
  signal: AbortSignal;
  defer: (task: () => Promise<void>) => void;
  systemFingerprint: string;
  now: () => number;
  /** When the request started; the answer ends itself before the route's limit. */
  startedAt: number;
  /** Longest the provider may take to start its answer (REQUEST_START_DEADLINE_MS). */
  startDeadlineMs: number;
  /** This deployment's origin as the client reached it. */
  origin?: string;
  /** Told when the answer starts and ends (metrics); never told its content. */
  observer?: ChatRunObserver;
}

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
 * One chat completion, provider-agnostic: start the provider's stream (failures before it
 * starts keep their real HTTP status), shape its parts (empty answers, stop sequences,
 * the time limit), then encode them as SSE or collect one `chat.completion`.
 */
export async function runChatCompletion(request: ChatRequest, scope: ChatRunScope): Promise<Response> {
  const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
  const created = Math.floor(scope.now() / 1000);
  const parts = await startBeforeDeadline({ deadlineMs: scope.startDeadlineMs, signal: scope.signal }, (signal) =>
    scope.provider.streamChat(request, {
      signal,
      defer: scope.defer,
      requestId: scope.requestId,
      origin: scope.origin,
    }),
  );

  const promptText = request.messages.map((message) => message.content).join('\n');
  let completionText = '';
  let finishReason: FinishReason | 'error' | undefined;
  let failure: string | undefined;
  let sawToken = false;
  let ended = false;
  const end = (outcome: ChatRunEnd): void => {
    if (ended) return;
    ended = true;
    scope.observer?.ended(outcome);
  };
  // `cancel` (the client stopped reading) is in the Streams spec and Node 20.20+, but not yet
  // in TypeScript’s DOM types; where it is not called, the observer is told no end at all.
  const observing: Transformer<ChatStreamPart, ChatStreamPart> & { cancel: (reason: unknown) => void } = {
    transform(part, controller) {
      switch (part.type) {
        case 'text-delta':
        case 'reasoning-delta':
        case 'tool-call-delta': {
          completionText += part.type === 'tool-call-delta' ? part.argumentsDelta : part.text;
          if (!sawToken) {
            sawToken = true;
            scope.observer?.firstToken(scope.now());
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
      const at = scope.now();
      logEvent('info', 'chat_finished', {
        requestId: scope.requestId,
        finishReason: finishReason ?? 'none',
        durationMs: at - scope.startedAt,
      });
      if (finishReason === undefined || finishReason === 'error') {
        // Neither finish nor error: the encoders report it as incompleteStreamError().
        end({ at, outcome: 'error', error: failure ?? 'incomplete_stream' });
      } else {
        end({ at, outcome: 'finish', finishReason });
      }
    },
    cancel() {
      end({ at: scope.now(), outcome: 'cancelled' });
    },
  };
  const observe = new TransformStream<ChatStreamPart, ChatStreamPart>(observing);

  const shaped = parts
    .pipeThrough(guardEmptyAnswer())
    .pipeThrough(cutAtStopSequences(request.stop))
    .pipeThrough(
      endAtDeadline({
        deadlineAt: scope.startedAt + CHAT_ROUTE_MAX_DURATION_SECONDS * 1000 - CLEANUP_RESERVE_MS,
        now: scope.now,
      }),
    )
    .pipeThrough(observe);

  if (request.stream) {
    const events = shaped
      .pipeThrough(
        createChatStreamEncoder({
          id,
          created,
          model: request.model,
          systemFingerprint: scope.systemFingerprint,
          includeUsage: request.includeUsage,
          countUsage: () => countChatUsage(promptText, completionText),
        }),
      )
      .pipeThrough(insertKeepAlive());
    return sseResponse(events);
  }

  const completion = await collectChatCompletion(shaped, {
    id,
    created,
    model: request.model,
    systemFingerprint: scope.systemFingerprint,
    countUsage: (text) => countChatUsage(promptText, text),
  });
  return Response.json(completion);
}
