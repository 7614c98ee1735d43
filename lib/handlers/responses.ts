import { parseResponsesRequest } from '@/lib/api/responses/parse-responses-request';
import { responsesResponse } from '@/lib/api/responses/responses-response';
import { enforceClientLimits } from '@/lib/auth/enforce-client-limits';
import { runChat } from '@/lib/chat/run-chat';
import { GatewayError } from '@/lib/errors/gateway-error';
import { readJsonBody } from '@/lib/http/read-json-body';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { createRequestRecorder } from '@/lib/metrics/create-request-recorder';

/**
 * POST /v1/responses: validate, apply the client's limits, run the chat, answer it in the
 * Responses format; the same steps and metrics record as lib/handlers/chat-completions.ts.
 * Stateless: nothing is stored, so a request must carry the whole conversation.
 */
export const createResponse: RouteHandler = async (request, scope) => {
  const startedAt = scope.context.now();
  const { config, store, providers } = scope.context;
  const recorder = createRequestRecorder({
    store,
    requestId: scope.requestId,
    client: scope.client.name,
    startedAt,
    now: scope.context.now,
    signal: request.signal,
  });
  scope.onAnswered(recorder.answered);
  scope.defer(recorder.save);

  const parsed = parseResponsesRequest(await readJsonBody(request, config.limits.maxRequestBytes));
  scope.logFields.model = parsed.chat.model;
  scope.logFields.stream = parsed.chat.stream;
  recorder.describe({ model: parsed.chat.model, stream: parsed.chat.stream });

  // The recorder's save (deferred above) frees the slot with its metrics write: one command.
  recorder.holdLease(await enforceClientLimits(store, scope.client, config.limits, scope.requestId, scope.context.now));
  const provider = providers.resolve(parsed.chat.model);
  scope.logFields.upstream = provider.id;
  recorder.routedTo(provider.id);
  const run = await runChat(parsed.chat, {
    provider,
    requestId: scope.requestId,
    signal: request.signal,
    defer: scope.defer,
    now: scope.context.now,
    startedAt,
    startDeadlineMs: config.requestStartDeadlineMs,
    origin: new URL(request.url).origin,
    observer: recorder,
    toolTrigger: config.tools.trigger,
  });
  return responsesResponse(run, parsed);
};

/** GET /v1/responses/{id}: nothing is stored yet, so every id is unknown (OpenAI's 404). */
export const retrieveResponse: RouteHandler = async (_request, scope) => {
  const raw = scope.params.id;
  const id = Array.isArray(raw) ? raw.join('/') : (raw ?? '');
  throw new GatewayError(`Response with id '${id}' not found: stored responses are not kept by this gateway yet.`, {
    status: 404,
    type: 'invalid_request_error',
    code: 'response_not_found',
    param: 'response_id',
    retryable: false,
  });
};
