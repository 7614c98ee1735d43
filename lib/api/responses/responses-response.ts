import type { ChatRun } from '@/lib/chat/run-chat';
import { insertKeepAlive } from '@/lib/sse/insert-keep-alive';
import { sseResponse } from '@/lib/sse/sse-response';
import { collectResponse } from './collect-response';
import { createResponsesStreamEncoder } from './encode-responses-stream';
import type { ParsedResponses } from './parse-responses-request';
import { newResponseId, type NewResponseId } from './response-ids';

/**
 * Answers a started chat in the Responses format: with `stream`, SSE events with keep-alive
 * comments between them (docs/client-compat §16); else the `response` object as JSON once
 * the answer is complete. One `resp_…` id and creation time for the whole answer; usage is the
 * upstream's when it reported one, else the pipeline's estimate.
 *
 * @throws (not streaming) the stream's GatewayError, so the route answers it with its status.
 */
export async function responsesResponse(run: ChatRun, request: ParsedResponses, options: { newId?: NewResponseId } = {}): Promise<Response> {
  const newId = options.newId ?? newResponseId;
  const shared = {
    base: { id: newId('resp'), createdAt: run.createdAt / 1000, model: request.chat.model, echo: request.echo },
    newId,
    customToolNames: request.customToolNames,
    countUsage: run.usage,
  };
  if (request.chat.stream) {
    return sseResponse(run.parts.pipeThrough(createResponsesStreamEncoder(shared)).pipeThrough(insertKeepAlive()));
  }
  return Response.json(await collectResponse(run.parts, shared));
}
