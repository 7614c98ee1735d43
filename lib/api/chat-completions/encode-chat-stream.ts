import type { ChatCompletionChunk, ChatCompletionChunkChoice, ChatCompletionUsage } from '@/lib/api/chat-completions/chat-completion-types';
import { sseErrorEvent } from '@/lib/api/openai/error-response';
import { incompleteStreamError } from '@/lib/chat/incomplete-stream-error';
import { SSE_DONE_EVENT, sseDataEvent } from '@/lib/api/openai/sse-data-event';
import { toChatCompletionUsage } from '@/lib/api/chat-completions/to-chat-completion-usage';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { assertNever } from '@/lib/providers/stream-blocks';

export interface ChatStreamEncoderOptions {
  /** The `chatcmpl-…` id shared by every chunk. */
  id: string;
  /** Unix time in seconds (floored to an integer). */
  created: number;
  /** The model id as the client asked for it. */
  model: string;
  systemFingerprint?: string;
  /** `stream_options.include_usage`: add a `choices:[]` usage chunk before `[DONE]`. */
  includeUsage: boolean;
  /** Token counts used when the stream carried no `usage` part. */
  countUsage?: () => { promptTokens: number; completionTokens: number };
}

/**
 * Encodes provider stream parts as Chat Completions SSE events; every output string is one
 * complete event (`data: <one-line JSON>\n\n`), so keep-alive comments can be inserted between
 * them.
 *
 * - On start (before any input): the role chunk `delta:{role:'assistant',content:''}`, so
 *   headers and the role reach the client at once (docs/client-compat §3, §15).
 * - `text-delta` → `delta:{content}`; `reasoning-delta` → `delta:{reasoning_content}`; empty
 *   texts are skipped. Block starts and ends of text and reasoning send nothing.
 * - A tool call (`tool-call-start`, its `tool-call-delta`s, `tool-call-end`) → ONE chunk at its
 *   end, `delta:{tool_calls:[{index,id,type:'function',function:{name,arguments}}]}` with the
 *   complete arguments, `index` counting the calls from 0 (docs/client-compat item 19). A call
 *   that never ends is not sent.
 * - `usage` is remembered. `finish` → `delta:{}` with `finish_reason`, then (when
 *   `includeUsage` and counts are known, from the `usage` part or else `countUsage()`) a
 *   `choices:[]` usage chunk, then `data: [DONE]` (docs/client-compat §5, §13).
 * - `error` → one `data: {"error":…}` event and no `[DONE]` (docs/client-compat §9).
 * - Input that ends with neither `finish` nor `error` → an error event, never an empty success.
 * - Parts after `finish` or `error` are ignored.
 */
export function createChatStreamEncoder(options: ChatStreamEncoderOptions): TransformStream<ChatStreamPart, string> {
  const created = Math.floor(options.created);
  let reportedUsage: { promptTokens: number; completionTokens: number } | undefined;
  let ended = false;
  const openCalls = new Map<string, { name: string; arguments: string }>();
  let callCount = 0;

  const chunkEvent = (choices: ChatCompletionChunkChoice[], usage?: ChatCompletionUsage): string => {
    const chunk: ChatCompletionChunk = {
      id: options.id,
      object: 'chat.completion.chunk',
      created,
      model: options.model,
      ...(options.systemFingerprint === undefined ? {} : { system_fingerprint: options.systemFingerprint }),
      choices,
      ...(usage === undefined ? {} : { usage }),
    };
    return sseDataEvent(chunk);
  };

  const choiceEvent = (choice: Omit<ChatCompletionChunkChoice, 'index' | 'logprobs'>): string =>
    chunkEvent([{ index: 0, delta: choice.delta, logprobs: null, finish_reason: choice.finish_reason }]);

  return new TransformStream<ChatStreamPart, string>({
    start(controller) {
      controller.enqueue(choiceEvent({ delta: { role: 'assistant', content: '' }, finish_reason: null }));
    },

    transform(part, controller) {
      if (ended) return;
      switch (part.type) {
        case 'text-start':
        case 'text-end':
        case 'reasoning-start':
        case 'reasoning-end':
          return;
        case 'tool-call-start':
          openCalls.set(part.id, { name: part.name, arguments: '' });
          return;
        case 'tool-call-delta': {
          const call = openCalls.get(part.id);
          if (call !== undefined) call.arguments += part.argumentsDelta;
          return;
        }
        case 'tool-call-end': {
          const call = openCalls.get(part.id);
          if (call === undefined) return;
          openCalls.delete(part.id);
          const toolCall = { index: callCount++, id: part.id, type: 'function' as const, function: call };
          controller.enqueue(choiceEvent({ delta: { tool_calls: [toolCall] }, finish_reason: null }));
          return;
        }
        case 'text-delta':
          if (part.text !== '') controller.enqueue(choiceEvent({ delta: { content: part.text }, finish_reason: null }));
          return;
        case 'reasoning-delta':
          if (part.text !== '') {
            controller.enqueue(choiceEvent({ delta: { reasoning_content: part.text }, finish_reason: null }));
          }
          return;
        case 'usage':
          reportedUsage = { promptTokens: part.promptTokens, completionTokens: part.completionTokens };
          return;
        case 'finish': {
          ended = true;
          controller.enqueue(choiceEvent({ delta: {}, finish_reason: part.finishReason }));
          const counts = options.includeUsage ? (reportedUsage ?? options.countUsage?.()) : undefined;
          // Usage never rides on the finish chunk: LobeChat would report usage instead of stop.
          if (counts !== undefined) controller.enqueue(chunkEvent([], toChatCompletionUsage(counts)));
          controller.enqueue(SSE_DONE_EVENT);
          return;
        }
        case 'error':
          ended = true;
          controller.enqueue(sseErrorEvent(part.error));
          return;
        default:
          assertNever(part);
      }
    },

    flush(controller) {
      if (!ended) controller.enqueue(sseErrorEvent(incompleteStreamError()));
    },
  });
}
