import { toParsedResponses, validateResponsesRequest } from '@/lib/api/responses/parse-responses-request';
import { resolveStoredInput, responseNotFound } from '@/lib/api/responses/resolve-stored-input';
import { responsesResponse } from '@/lib/api/responses/responses-response';
import { readStoredResponse } from '@/lib/api/responses/stored-responses';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { chatRoute } from './chat-route';

/**
 * POST /v1/responses: validate, read what `previous_response_id` and `item_reference` items
 * continue (resolve-stored-input.ts), apply the client's limits, run the chat, answer it in
 * the Responses format and, with `store` not false, store the answer for the client's key
 * (responses-response.ts; the steps and the metrics record are chatRoute's).
 */
export const createResponse = chatRoute({
  parse: async (body, scope) => {
    const request = validateResponsesRequest(body);
    const resolved = await resolveStoredInput(request, body, { store: scope.context.store, owner: scope.client.id });
    return toParsedResponses(request, body, resolved);
  },
  chatOf: (parsed) => parsed.chat,
  respond: (run, parsed, { scope }) =>
    responsesResponse(run, parsed, {
      storing: { store: scope.context.store, owner: scope.client.id, ttlMs: scope.context.config.responsesStoreTtlMs },
    }),
});

/** GET /v1/responses/{id}: the stored response object of this client key (one GET), or OpenAI's 404. Never streamed. */
export const retrieveResponse: RouteHandler = async (_request, scope) => {
  const raw = scope.params.id;
  const id = Array.isArray(raw) ? raw.join('/') : (raw ?? '');
  const stored = await readStoredResponse(scope.context.store, id, scope.client.id);
  if (stored === null) throw responseNotFound(id);
  return Response.json(stored.response);
};
