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
  /** The route's `scope.defer`: keeps the write alive after the answer went out. */
  defer: (task: () => Promise<void>) => void;
}

/** How long the deferred task waits for a stream's end it has not seen (a cancelled stream never ends). */
const STREAM_END_WAIT_MS = 2_000;

/**
 * Answers a started chat in the Responses format: with `stream`, SSE events with keep-alive
 * comments between them (docs/client-compat §16); else the `response` object as JSON once
 * the answer is complete. One `resp_…` id and creation time for the whole answer; usage is the
 * upstream's when it reported one, else the pipeline's estimate.
 *
 * With `store` not false and `storing` given, a `completed` or `incomplete` answer is saved
 * (stored-responses.ts: one store command), never a failed one:
 * - streamed: the write starts as the encoder enqueues the last event, so it never delays a
 *   byte, and a deferred task waits for it (or gives up when the stream never ended);
 * - not streamed: the write is awaited before the JSON goes out. A client (the AI SDK's
 *   `generateText`) sends its next step the moment it has the answer, with references to it;
 *   a deferred write could still be on its way. It costs one store round trip.
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
    let saving: Promise<void> | undefined;
    let notifyEnd: (() => void) | undefined;
    const ended = new Promise<void>((resolve) => {
      notifyEnd = resolve;
    });
    if (storing !== undefined) storing.defer(() => waitForSave(ended, () => saving));
    const encoder = createResponsesStreamEncoder({
      ...shared,
      onEnd: (response) => {
        saving = save(response);
        notifyEnd?.();
      },
    });
    return sseResponse(run.parts.pipeThrough(encoder).pipeThrough(insertKeepAlive()));
  }
  const response = await collectResponse(run.parts, shared);
  await save(response);
  return Response.json(response);
}

async function waitForSave(ended: Promise<void>, saving: () => Promise<void> | undefined): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, STREAM_END_WAIT_MS);
    timer.unref?.();
  });
  await Promise.race([ended, timeout]).finally(() => clearTimeout(timer));
  await saving();
}
