import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { assertNever, createBlockTracker, textBlock } from '@/lib/providers/stream-blocks';

/**
 * The notice of a provider that words none of its own (`ChatProvider.emptyAnswerNotice`): it
 * names no upstream and no cause, since only the provider knows why it answered nothing.
 */
export const DEFAULT_EMPTY_ANSWER_NOTICE = '[The model returned an empty answer. Rephrase the prompt and try again.]';

/**
 * Never lets an empty answer end as an ordinary success: clients treat an empty answer as a
 * failure of their own (docs/client-compat item 23). Upstreams do answer 200 with nothing, XIPU
 * when the prompt holds a word on the school's blocked list (docs/xipu-protocol §7), so the
 * notice is the provider's (`options.notice`, from `ChatProvider.emptyAnswerNotice`).
 *
 * If a `finish` arrives, or the stream ends without one, and no `text-delta` with a
 * non-whitespace character was seen (reasoning alone is not an answer), ends any open block and
 * emits a text block (a fresh `text-N` id) with `options.notice` (else
 * {@link DEFAULT_EMPTY_ANSWER_NOTICE}) and `{ type: 'finish', finishReason: 'content_filter' }` in place of the
 * original finish. A `finish` with `tool_calls`, or any tool call, is left alone (calls are an answer). A stream
 * that ends without a finish after real text passes through as it is (the encoder handles the
 * missing finish), and an `error` passes through untouched with no notice after it. Parts after
 * a `finish` or an `error` pass through untouched.
 */
export function guardEmptyAnswer(
  options: { notice?: string } = {},
): TransformStream<ChatStreamPart, ChatStreamPart> {
  const notice = options.notice ?? DEFAULT_EMPTY_ANSWER_NOTICE;
  let hasAnswer = false;
  let hasEnded = false;
  const blocks = createBlockTracker();

  function reportEmptyAnswer(controller: TransformStreamDefaultController<ChatStreamPart>): void {
    for (const end of blocks.endAll()) controller.enqueue(end);
    for (const part of textBlock(blocks.freshId('text'), notice)) controller.enqueue(part);
    controller.enqueue({ type: 'finish', finishReason: 'content_filter' });
  }

  return new TransformStream<ChatStreamPart, ChatStreamPart>({
    transform(part, controller) {
      if (hasEnded) {
        controller.enqueue(part);
        return;
      }
      blocks.observe(part);
      switch (part.type) {
        case 'text-delta':
          if (/\S/.test(part.text)) hasAnswer = true;
          controller.enqueue(part);
          return;
        case 'tool-call-start':
          hasAnswer = true;
          controller.enqueue(part);
          return;
        case 'finish':
          hasEnded = true;
          if (hasAnswer || part.finishReason === 'tool_calls') controller.enqueue(part);
          else reportEmptyAnswer(controller);
          return;
        case 'error':
          hasEnded = true;
          controller.enqueue(part);
          return;
        case 'text-start':
        case 'text-end':
        case 'reasoning-start':
        case 'reasoning-delta':
        case 'reasoning-end':
        case 'tool-call-delta':
        case 'tool-call-end':
        case 'usage':
          controller.enqueue(part);
          return;
        default:
          assertNever(part);
      }
    },
    flush(controller) {
      if (!hasEnded && !hasAnswer) reportEmptyAnswer(controller);
    },
  });
}
