import type { EventSourceMessage } from 'eventsource-parser';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { createBlockWriter } from '@/lib/providers/stream-blocks';
import { createAnswerCleaner } from './create-answer-cleaner';

/**
 * ai-chats.org's events → stream parts. Every `data:` line is a piece of the answer's text,
 * nothing else (no JSON, no `[DONE]`, no finish reason: the seed copied each line's text into
 * a chunk as it was) — docs/aichats.md "The answer". The pieces, cleaned of the ` trylimit`
 * marker and `\n` escapes (./create-answer-cleaner.ts), become one text block; the end of the
 * body is the end of the answer, so the stream closes with `finish: stop`. An answer with no
 * text closes with `finish` alone: the pipeline's empty-answer guard then words the notice
 * (`emptyAnswerNotice`). A body that breaks off errors this stream; the provider turns that
 * into an `error` part.
 */
export function mapAichatsEvents(): TransformStream<EventSourceMessage, ChatStreamPart> {
  const cleaner = createAnswerCleaner();
  let writer: ReturnType<typeof createBlockWriter>;
  return new TransformStream<EventSourceMessage, ChatStreamPart>({
    start(controller) {
      writer = createBlockWriter((part) => controller.enqueue(part));
    },
    transform(event) {
      writer.write('text', cleaner.push(event.data));
    },
    flush(controller) {
      writer.write('text', cleaner.end());
      writer.end();
      controller.enqueue({ type: 'finish', finishReason: 'stop' });
    },
  });
}
