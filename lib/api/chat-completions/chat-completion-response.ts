import type { ChatRun } from '@/lib/chat/run-chat';
import type { ChatRequest } from '@/lib/providers/chat-provider';
import { insertKeepAlive } from '@/lib/sse/insert-keep-alive';
import { sseResponse } from '@/lib/sse/sse-response';
import { newChatCompletionId } from './chat-completion-id';
import { collectChatCompletion } from './collect-chat-completion';
import { createChatStreamEncoder } from './encode-chat-stream';

/**
 * Answers a started chat in the Chat Completions format: with `stream`, SSE chunks with
 * keep-alive comments between them (docs/client-compat §1, §16); else one `chat.completion`
 * as JSON once the answer is complete (§6). One `chatcmpl-…` id and creation time for the whole
 * answer; usage is the upstream's when it reported one, else the pipeline's estimate.
 *
 * @throws (not streaming) the stream's GatewayError, so the route answers it with its status.
 */
export async function chatCompletionResponse(
  run: ChatRun,
  request: Pick<ChatRequest, 'model' | 'stream' | 'includeUsage'>,
  options: {
    systemFingerprint?: string;
    /**
     * Streaming only: one more complete SSE event, sent after the chat's own last event
     * (`[DONE]`, or the error event) — the /admin chat's timings. Called when the answer has ended.
     */
    lastEvent?: () => string;
  },
): Promise<Response> {
  const shared = {
    id: newChatCompletionId(),
    created: Math.floor(run.createdAt / 1000),
    model: request.model,
    systemFingerprint: options.systemFingerprint,
    countUsage: run.usage,
  };
  if (request.stream) {
    let events = run.parts.pipeThrough(createChatStreamEncoder({ ...shared, includeUsage: request.includeUsage }));
    if (options.lastEvent) events = events.pipeThrough(appendEvent(options.lastEvent));
    return sseResponse(events.pipeThrough(insertKeepAlive()));
  }
  return Response.json(await collectChatCompletion(run.parts, shared));
}

/** Passes the events through, then sends `event()` once they have ended. */
function appendEvent(event: () => string): TransformStream<string, string> {
  return new TransformStream<string, string>({ flush: (controller) => controller.enqueue(event()) });
}
