import { sseErrorEvent } from '@/lib/api/openai/error-response';
import { SSE_DONE_EVENT, sseDataEvent } from '@/lib/api/openai/sse-data-event';
import { incompleteStreamError } from '@/lib/chat/incomplete-stream-error';
import type { ChatStreamPart, FinishReason } from '@/lib/providers/chat-provider';
import { assertNever } from '@/lib/providers/stream-blocks';
import { toCompletionPart } from './completion-part';
import type { Completion, CompletionUsage } from './completion-types';
import { toCompletionUsage } from './to-completion-usage';

export interface CompletionStreamEncoderOptions {
  /** The `cmpl-…` id shared by every chunk. */
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
 * Encodes stream parts as OpenAI's legacy Completions SSE: `text_completion` chunks whose
 * `choices[0].text` is the next piece of the answer. Every output string is one complete
 * event, so keep-alive comments can go between them.
 *
 * - On start: a chunk with `text: ''`, so headers reach the client at once (docs/client-compat
 *   §15); the legacy API has no role chunk.
 * - Text → a text chunk; what else is dropped (reasoning, empty texts) is toCompletionPart's.
 * - `finish` → a chunk with `text: ''` and `finish_reason`, then (with `includeUsage` and
 *   known counts) a `choices: []` usage chunk, then `data: [DONE]` (docs/client-compat §5, §13).
 * - `error` → one `data: {"error":…}` event and no `[DONE]` (docs/client-compat §9); input
 *   that ends with neither `finish` nor `error` → the same, never an empty success.
 * - Parts after `finish` or `error` are ignored.
 */
export function createCompletionStreamEncoder(options: CompletionStreamEncoderOptions): TransformStream<ChatStreamPart, string> {
  const created = Math.floor(options.created);
  let reportedUsage: { promptTokens: number; completionTokens: number } | undefined;
  let ended = false;

  const chunkEvent = (choices: Completion['choices'], usage?: CompletionUsage): string => {
    const chunk: Completion = {
      id: options.id,
      object: 'text_completion',
      created,
      model: options.model,
      ...(options.systemFingerprint === undefined ? {} : { system_fingerprint: options.systemFingerprint }),
      choices,
      ...(usage === undefined ? {} : { usage }),
    };
    return sseDataEvent(chunk);
  };
  const textEvent = (text: string, finishReason: FinishReason | null = null): string =>
    chunkEvent([{ text, index: 0, logprobs: null, finish_reason: finishReason }]);

  return new TransformStream<ChatStreamPart, string>({
    start(controller) {
      controller.enqueue(textEvent(''));
    },

    transform(streamPart, controller) {
      const part = ended ? undefined : toCompletionPart(streamPart);
      if (part === undefined) return;
      switch (part.type) {
        case 'text':
          controller.enqueue(textEvent(part.text));
          return;
        case 'usage':
          reportedUsage = { promptTokens: part.promptTokens, completionTokens: part.completionTokens };
          return;
        case 'finish': {
          ended = true;
          controller.enqueue(textEvent('', part.finishReason));
          const counts = options.includeUsage ? (reportedUsage ?? options.countUsage?.()) : undefined;
          if (counts !== undefined) controller.enqueue(chunkEvent([], toCompletionUsage(counts)));
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
