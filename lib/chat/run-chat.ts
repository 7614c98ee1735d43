import type { ChatCallOptions, ChatProvider, ChatRequest, ChatStreamPart } from '@/lib/providers/chat-provider';
import { applyToolPrompt } from '@/lib/tools/apply-tool-prompt';
import { detectToolCalls } from '@/lib/tools/detect-tool-calls';
import { reaskRequest } from '@/lib/tools/reask-request';
import { parseJsonLeniently } from '@/lib/tools/repair-json';
import { runWithTools } from '@/lib/tools/run-with-tools';
import { createUsageCounter, type ChatUsage } from './create-usage-counter';
import { cutAtStopSequences } from './cut-at-stop-sequences';
import { endAtDeadline } from './end-at-deadline';
import { guardEmptyAnswer } from './guard-empty-answer';
import { observeChatRun, type ChatRunObserver } from './observe-chat-run';
import { startBeforeDeadline } from './start-before-deadline';

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
  now: () => number;
  /** When the request started; the answer ends itself before the route's limit. */
  startedAt: number;
  /** Longest the provider may take to start its answer (REQUEST_START_DEADLINE_MS). */
  startDeadlineMs: number;
  /** This deployment's origin as the client reached it. */
  origin?: string;
  /** Told when the answer starts and ends (metrics); never told its content. */
  observer?: ChatRunObserver;
  /** The deployment's tool-call trigger word (TOOL_CALL_TRIGGER), for emulated tools. */
  toolTrigger: string;
  /** The client key and the request's arrival, for fair queuing (ChatCallOptions.queueAs). */
  queueAs?: ChatCallOptions['queueAs'];
  /** Told of each turn in the account's schedule before the answer starts (ChatCallOptions.onTurn). */
  onTurn?: ChatCallOptions['onTurn'];
}

/** A started chat, for an API shape's encoder to answer in its wire format. */
export interface ChatRun {
  /** The shaped answer: ends with one `finish` or `error` part unless it broke off. */
  parts: ReadableStream<ChatStreamPart>;
  /** When the chat began (epoch ms), for the wire's creation time. */
  createdAt: number;
  /**
   * Estimated token counts (prompt, and what `parts` has carried so far), for an encoder to
   * report when `parts` held no `usage` part.
   */
  usage(): ChatUsage;
}

/**
 * One chat, whatever the API shape: start the provider's stream before the start deadline
 * (failures before it starts are thrown, so the route answers them with their real HTTP
 * status), then shape its parts: empty answers (in the provider's words), stop sequences, the
 * route's time limit; count usage and observe the outcome for metrics. The caller encodes
 * `parts` in its wire format: one folder per API shape, lib/api/chat-completions the first
 * (docs/adding-an-api-shape.md).
 *
 * @throws what the provider's start rejects with; GatewayError 503 `upstream_start_timeout`
 *   when the start deadline passes first.
 */
export async function runChat(request: ChatRequest, scope: ChatRunScope): Promise<ChatRun> {
  const createdAt = scope.now();
  const start = (upstreamRequest: ChatRequest, signal: AbortSignal) =>
    scope.provider.streamChat(upstreamRequest, { signal, defer: scope.defer, requestId: scope.requestId, origin: scope.origin, queueAs: scope.queueAs, onTurn: scope.onTurn });
  // Tools and JSON answers are emulated on the text (docs/tool-calls.md) unless the provider
  // has them natively; a request without them goes to the provider exactly as the client sent it.
  const native = scope.provider.native;
  const emulated = (request.tools !== undefined && !native?.tools) || (request.responseFormat !== undefined && !native?.responseFormat);
  const source = await startBeforeDeadline({ deadlineMs: scope.startDeadlineMs, signal: scope.signal }, (signal) =>
    emulated
      ? runWithTools(applyToolPrompt(request, scope.toolTrigger), (upstreamRequest, attempt, cancelled) =>
          start(upstreamRequest, attempt === 1 || cancelled === undefined ? signal : AbortSignal.any([scope.signal, cancelled])), {
          trigger: scope.toolTrigger,
          detect: detectToolCalls,
          reask: reaskRequest,
          parseJson: parseJsonLeniently,
        })
      : start(request, signal),
  );

  const counter = createUsageCounter(request.messages);
  const parts = source
    .pipeThrough(guardEmptyAnswer({ notice: scope.provider.emptyAnswerNotice }))
    .pipeThrough(cutAtStopSequences(request.stop))
    .pipeThrough(
      endAtDeadline({
        deadlineAt: scope.startedAt + CHAT_ROUTE_MAX_DURATION_SECONDS * 1000 - CLEANUP_RESERVE_MS,
        now: scope.now,
      }),
    )
    .pipeThrough(counter.counting)
    .pipeThrough(
      observeChatRun({ requestId: scope.requestId, startedAt: scope.startedAt, now: scope.now, observer: scope.observer }),
    );

  return { parts, createdAt, usage: counter.usage };
}
