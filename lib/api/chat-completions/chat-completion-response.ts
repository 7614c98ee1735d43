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
  options: { systemFingerprint?: string },
): Promise<Response> {
  const shared = {
    id: newChatCompletionId(),
    created: Math.floor(run.createdAt / 1000),
    model: request.model,
    systemFingerprint: options.systemFingerprint,
    countUsage: run.usage,
  };
  if (request.stream) {
    const events = run.parts
      .pipeThrough(createChatStreamEncoder({ ...shared, includeUsage: request.includeUsage }))
      .pipeThrough(insertKeepAlive());
    return sseResponse(events);
  }
  return Response.json(await collectChatCompletion(run.parts, shared));
}
