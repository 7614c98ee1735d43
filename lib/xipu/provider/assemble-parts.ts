import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { textBlock } from '@/lib/providers/stream-blocks';
import { endStreamWithFinish } from '@/lib/chat/end-stream-with-finish';
import { splitThinkTags } from '@/lib/chat/split-think-tags';
import { parseEventStream } from '@/lib/sse/parse-event-stream';
import type { openCompletions } from '@/lib/xipu/api/xipu-api';
import { parseXipuStream } from '@/lib/xipu/api/parse-xipu-stream';
import { detectCannedRefusal } from './detect-canned-refusal';

/**
 * The upstream answer as stream parts: SSE → text → finish; think tags and refusals mapped.
 * `onEnd` runs once the stream is over (ended, failed or cancelled): the session's lifecycle
 * closes the upstream connection and frees the schedule there.
 */
export function assembleParts(
  opened: Awaited<ReturnType<typeof openCompletions>>,
  options: { thinkTags: 'split' | 'pass'; onEnd: () => Promise<void> },
): ReadableStream<ChatStreamPart> {
  const body = opened.response.body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
  const textParts = opened.kind === 'event-stream' ? parseXipuEvents(body) : plainBodyAsParts(body);
  let parts = endStreamWithFinish(textParts, { finishReason: 'stop', onEnd: options.onEnd });
  if (options.thinkTags === 'split') parts = parts.pipeThrough(splitThinkTags());
  return parts.pipeThrough(detectCannedRefusal());
}

/** XIPU's `data:` lines, each its own event (no blank lines promised between them). */
function parseXipuEvents(body: ReadableStream<Uint8Array>): ReadableStream<ChatStreamPart> {
  return parseEventStream(body, { eachDataLineIsAnEvent: true }).pipeThrough(parseXipuStream());
}

/**
 * A completions answer that is not an event stream: `Request Err!` arrives as a plain body
 * (docs/xipu-protocol §7). A plain body that is SSE after all is parsed as such.
 */
function plainBodyAsParts(body: ReadableStream<Uint8Array>): ReadableStream<ChatStreamPart> {
  return new ReadableStream<ChatStreamPart>({
    async start(controller) {
      const text = await new Response(body).text();
      if (/^data:/m.test(text)) {
        const reader = parseXipuEvents(new Response(text).body!).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          controller.enqueue(value);
        }
      } else if (text.trim()) {
        for (const part of textBlock('text-0', text.trim())) controller.enqueue(part);
      }
      controller.close();
    },
  });
}
