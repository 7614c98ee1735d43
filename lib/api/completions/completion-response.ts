import type { ChatRun } from '@/lib/chat/run-chat';
import type { ChatRequest } from '@/lib/providers/chat-provider';
import { insertKeepAlive } from '@/lib/sse/insert-keep-alive';
import { sseResponse } from '@/lib/sse/sse-response';
import { collectCompletion } from './collect-completion';
import { newCompletionId } from './completion-id';
import { createCompletionStreamEncoder } from './encode-completion-stream';

/**
 * Answers a started chat in the legacy Completions format: with `stream`, `text_completion`
 * chunks with keep-alive comments between them (docs/client-compat §16); else one
 * `text_completion` as JSON once the answer is complete. One `cmpl-…` id and creation time
 * for the whole answer; usage is the upstream's when it reported one, else the pipeline's
 * estimate.
 *
 * @throws (not streaming) the stream's GatewayError, so the route answers it with its status.
 */
export async function completionResponse(
  run: ChatRun,
  request: Pick<ChatRequest, 'model' | 'stream' | 'includeUsage'>,
  options: { systemFingerprint?: string },
): Promise<Response> {
  const shared = {
    id: newCompletionId(),
    created: Math.floor(run.createdAt / 1000),
    model: request.model,
    systemFingerprint: options.systemFingerprint,
    countUsage: run.usage,
  };
  if (request.stream) {
    const events = run.parts
      .pipeThrough(createCompletionStreamEncoder({ ...shared, includeUsage: request.includeUsage }))
      .pipeThrough(insertKeepAlive());
    return sseResponse(events);
  }
  return Response.json(await collectCompletion(run.parts, shared));
}
