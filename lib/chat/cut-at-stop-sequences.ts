import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { createBlockTracker } from '@/lib/providers/stream-blocks';

/**
 * Emulates OpenAI's `stop` parameter, which XIPU does not have: the answer is cut at the first
 * stop sequence — docs/client-compat "Request normalisation" (`stop`) and "Output state
 * machine" step 2(c).
 *
 * Only answer text (`text-delta`) is searched; reasoning and other parts pass through. As soon as
 * any stop sequence is complete, the text before it is emitted, every open block is ended, then
 * `{ type: 'finish', finishReason: 'stop', stopSequence }`, and the stream terminates, which
 * cancels the upstream source (so the upstream call stops; its cleanup is the provider's).
 *
 * To find a sequence split across chunks, the last `longest sequence length - 1` characters
 * of the answer are held back; they are released (in their own text block) when the stream
 * ends and before any other part (a sequence is not searched across a non-text part). Empty
 * strings in `stop` are ignored; with no sequences the transform passes everything through with
 * no hold-back.
 */
export function cutAtStopSequences(stop: string[]): TransformStream<ChatStreamPart, ChatStreamPart> {
  const stopSequences = stop.filter((sequence) => sequence.length > 0);
  if (stopSequences.length === 0) return new TransformStream<ChatStreamPart, ChatStreamPart>();

  const heldBackLength = Math.max(...stopSequences.map((sequence) => sequence.length)) - 1;
  const blocks = createBlockTracker();
  let heldText = '';
  let heldId = 'text-0';

  function releaseHeldText(controller: TransformStreamDefaultController<ChatStreamPart>): void {
    if (heldText.length > 0) controller.enqueue({ type: 'text-delta', id: heldId, text: heldText });
    heldText = '';
  }

  return new TransformStream<ChatStreamPart, ChatStreamPart>({
    transform(part, controller) {
      if (part.type !== 'text-delta') {
        releaseHeldText(controller);
        blocks.observe(part);
        controller.enqueue(part);
        return;
      }
      heldId = part.id;
      heldText += part.text;
      const cut = findFirstStop(heldText, stopSequences);
      if (cut !== undefined) {
        heldText = heldText.slice(0, cut.index);
        releaseHeldText(controller);
        for (const end of blocks.endAll()) controller.enqueue(end);
        controller.enqueue({ type: 'finish', finishReason: 'stop', stopSequence: cut.sequence });
        controller.terminate();
        return;
      }
      const releasedLength = heldText.length - heldBackLength;
      if (releasedLength > 0) {
        controller.enqueue({ type: 'text-delta', id: heldId, text: heldText.slice(0, releasedLength) });
        heldText = heldText.slice(releasedLength);
      }
    },
    flush(controller) {
      releaseHeldText(controller);
    },
  });
}

/**
 * Where to cut `text`: the start of the stop sequence that is completed first (the earliest
 * end, as a model generating text would meet it; on a tie the longer one), and which sequence
 * it is, or `undefined`. Choosing by end rather than start keeps the cut the same however the
 * text was chunked: with `stop` `["abc", "b"]`, "ab" already contains "b", so "abc" must not
 * win when it arrives whole.
 */
function findFirstStop(text: string, sequences: string[]): { index: number; sequence: string } | undefined {
  let cut: { index: number; sequence: string } | undefined;
  let cutEnd = Number.POSITIVE_INFINITY;
  for (const sequence of sequences) {
    const index = text.indexOf(sequence);
    if (index === -1) continue;
    const end = index + sequence.length;
    if (end < cutEnd || (end === cutEnd && cut !== undefined && index < cut.index)) {
      cut = { index, sequence };
      cutEnd = end;
    }
  }
  return cut;
}
