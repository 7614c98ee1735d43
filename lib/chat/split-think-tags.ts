import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { assertNever, createBlockWriter } from '@/lib/providers/stream-blocks';

const OPENING_TAG = '<think>';
const CLOSING_TAG = '</think>';

type SplitState =
  /** Nothing but whitespace and a possible start of `<think>` seen yet. */
  | 'before-answer'
  /** Inside `<think>…`; text is reasoning until `</think>`. */
  | 'reasoning'
  /** Just after `</think>`; whitespace before the answer is dropped. */
  | 'after-reasoning'
  /** The answer proper; text passes through. */
  | 'answer';

/**
 * Splits inline reasoning out of the answer text. DeepSeek-R1 is expected to stream its
 * reasoning inline as `<think>…</think>` at the start of the answer; this is not confirmed,
 * so the transform must be harmless when no tag appears — docs/xipu-protocol §8,
 * docs/client-compat item 14.
 *
 * - A `<think>` that opens the answer (after optional whitespace) starts reasoning: the text up
 *   to `</think>` becomes `reasoning-delta`s (whitespace right after `<think>` dropped); the
 *   whitespace that follows `</think>` is dropped and the rest is `text-delta`s. A `<think>` anywhere later is ordinary text.
 * - Tags split across chunks at any position are recognised. Only the text that could still be
 *   the start of a tag is held back (leading whitespace and a prefix of `<think>` before the
 *   answer, a prefix of `</think>` inside the reasoning), and it is released as soon as it
 *   cannot be. An answer without a tag passes through unchanged once its first
 *   non-whitespace character rules `<think>` out.
 * - A stream that ends inside the reasoning releases its held text as reasoning; a stream that
 *   ends before the answer could be told apart releases it as answer text.
 * - Blocks: the upstream's text blocks are rewritten into the transform's own blocks
 *   (`reasoning-0`, then `text-0`; ids count up per kind): the reasoning block ends at
 *   `</think>`, a text block at the upstream's `text-end`, and any open block before a `finish`
 *   or at the end of the stream.
 * - Other parts (and reasoning blocks from upstream) pass through in order; held text is
 *   released before them.
 * - Never emits an empty delta.
 */
export function splitThinkTags(): TransformStream<ChatStreamPart, ChatStreamPart> {
  let state: SplitState = 'before-answer';
  let heldText = '';
  /** Whitespace right after `<think>` is dropped, as DeepSeek's own API sends none. */
  let reasoningStarted = false;

  type Controller = TransformStreamDefaultController<ChatStreamPart>;
  let writer: ReturnType<typeof createBlockWriter> | undefined;

  function emit(controller: Controller, type: 'text-delta' | 'reasoning-delta', text: string): void {
    if (type === 'reasoning-delta' && !reasoningStarted) {
      text = text.trimStart();
      reasoningStarted = text.length > 0;
    }
    writer ??= createBlockWriter((part) => controller.enqueue(part));
    writer.write(type === 'text-delta' ? 'text' : 'reasoning', text);
  }

  function endBlock(): void {
    writer?.end();
  }

  function readBeforeAnswer(text: string, controller: Controller): void {
    heldText += text;
    const withoutLeadingWhitespace = heldText.trimStart();
    if (withoutLeadingWhitespace.startsWith(OPENING_TAG)) {
      heldText = '';
      state = 'reasoning';
      readReasoning(withoutLeadingWhitespace.slice(OPENING_TAG.length), controller);
    } else if (!OPENING_TAG.startsWith(withoutLeadingWhitespace)) {
      const answerText = heldText;
      heldText = '';
      state = 'answer';
      emit(controller, 'text-delta', answerText);
    }
  }

  function readReasoning(text: string, controller: Controller): void {
    heldText += text;
    const closingIndex = heldText.indexOf(CLOSING_TAG);
    if (closingIndex !== -1) {
      const reasoning = heldText.slice(0, closingIndex);
      const rest = heldText.slice(closingIndex + CLOSING_TAG.length);
      heldText = '';
      state = 'after-reasoning';
      emit(controller, 'reasoning-delta', reasoning);
      endBlock();
      readAfterReasoning(rest, controller);
      return;
    }
    const heldLength = lengthOfTagPrefixAtEnd(heldText, CLOSING_TAG);
    const reasoning = heldText.slice(0, heldText.length - heldLength);
    heldText = heldText.slice(heldText.length - heldLength);
    emit(controller, 'reasoning-delta', reasoning);
  }

  function readAfterReasoning(text: string, controller: Controller): void {
    const answerText = text.trimStart();
    if (answerText.length === 0) return;
    state = 'answer';
    emit(controller, 'text-delta', answerText);
  }

  function releaseHeldText(controller: Controller): void {
    if (heldText.length === 0) return;
    const text = heldText;
    heldText = '';
    if (state === 'reasoning') {
      emit(controller, 'reasoning-delta', text);
    } else {
      state = 'answer';
      emit(controller, 'text-delta', text);
    }
  }

  return new TransformStream<ChatStreamPart, ChatStreamPart>({
    transform(part, controller) {
      switch (part.type) {
        case 'text-delta':
          readText(part.text, controller);
          return;
        case 'text-start':
          // The transform writes its own blocks.
          return;
        case 'text-end':
          releaseHeldText(controller);
          endBlock();
          return;
        case 'finish':
          releaseHeldText(controller);
          endBlock();
          controller.enqueue(part);
          return;
        case 'reasoning-start':
        case 'reasoning-delta':
        case 'reasoning-end':
        case 'tool-call-start':
        case 'tool-call-delta':
        case 'tool-call-end':
        case 'usage':
          releaseHeldText(controller);
          controller.enqueue(part);
          return;
        case 'error':
          // The last part: a block it cuts off stays unended.
          releaseHeldText(controller);
          writer = undefined;
          controller.enqueue(part);
          return;
        default:
          assertNever(part);
      }
    },
    flush(controller) {
      releaseHeldText(controller);
      endBlock();
    },
  });

  function readText(text: string, controller: Controller): void {
    switch (state) {
      case 'before-answer':
        readBeforeAnswer(text, controller);
        break;
      case 'reasoning':
        readReasoning(text, controller);
        break;
      case 'after-reasoning':
        readAfterReasoning(text, controller);
        break;
      case 'answer':
        emit(controller, 'text-delta', text);
        break;
    }
  }
}

/**
 * The length of the longest end of `text` that is a proper prefix of `tag` — the part that
 * must be held back because the next chunk could complete the tag.
 */
function lengthOfTagPrefixAtEnd(text: string, tag: string): number {
  for (let length = Math.min(text.length, tag.length - 1); length > 0; length -= 1) {
    if (text.endsWith(tag.slice(0, length))) return length;
  }
  return 0;
}
