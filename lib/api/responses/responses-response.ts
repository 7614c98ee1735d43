import type { ChatRun } from '@/lib/chat/run-chat';
import { logEvent } from '@/lib/log/log-event';
import type { Store } from '@/lib/store/store';
import { insertKeepAlive } from '@/lib/sse/insert-keep-alive';
import { sseResponse } from '@/lib/sse/sse-response';
import { collectResponse } from './collect-response';
import { createResponsesStreamEncoder } from './encode-responses-stream';
import type { ParsedResponses } from './parse-responses-request';
import { newResponseId, type NewResponseId } from './response-ids';
import type { ResponseObject } from './response-types';
import { saveStoredResponse } from './stored-responses';

/** Where a stored answer goes (absent: nothing is stored, whatever `store` says). */
export interface ResponsesStoring {
  store: Store;
  /** ClientIdentity.id of the requesting key: only it reads the answer back. */
  owner: string;
  ttlMs: number;
}

/**
 * Answers a started chat in the Responses format: with `stream`, SSE events with keep-alive
 * comments between them (docs/client-compat §16); else the `response` object as JSON once
 * the answer is complete. One `resp_…` id and creation time for the whole answer; usage is the
 * upstream's when it reported one, else the pipeline's estimate.
 *
 * With `store` not false and `storing` given, a `completed` or `incomplete` answer is saved
 * (stored-responses.ts: one store command), never a failed one:
 * before the answer's end reaches the client — streamed, before the last event
 * (`response.completed`); not streamed, before the JSON — because a client (the AI SDK's
 * `streamText` and `generateText`) sends its next step the moment it has the answer, with
 * references to it: a write still on its way would make them unknown. It costs the end of the
 * answer one store round trip.
 * A failed write is logged; the answer stands.
 *
 * @throws (not streaming) the stream's GatewayError, so the route answers it with its status.
 */
export async function responsesResponse(
  run: ChatRun,
  request: ParsedResponses,
  options: { newId?: NewResponseId; storing?: ResponsesStoring } = {},
): Promise<Response> {
  const newId = options.newId ?? newResponseId;
  const shared = {
    base: { id: newId('resp'), createdAt: run.createdAt / 1000, model: request.chat.model, echo: request.echo },
    newId,
    customToolNames: request.customToolNames,
    countUsage: run.usage,
  };
  const storing = request.store ? options.storing : undefined;
  const save = (response: ResponseObject): Promise<void> =>
    storing === undefined || response.status === 'failed' || response.status === 'in_progress'
      ? Promise.resolve()
      : saveStoredResponse(storing.store, { response, input: request.conversation, owner: storing.owner }, storing.ttlMs).catch((error: unknown) => {
          logEvent('warn', 'response_store_failed', { responseId: response.id, error: error instanceof Error ? error.message : String(error) });
        });

  if (request.chat.stream) {
    const encoder = createResponsesStreamEncoder({ ...shared, onEnd: save });
    return sseResponse(run.parts.pipeThrough(encoder).pipeThrough(insertKeepAlive()));
  }
  const response = await collectResponse(run.parts, shared);
  await save(response);
  return Response.json(response);
}
