import { parseResponsesRequest } from '@/lib/api/responses/parse-responses-request';
import { responsesResponse } from '@/lib/api/responses/responses-response';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { chatRoute } from './chat-route';

/**
 * POST /v1/responses: validate, apply the client's limits, run the chat, answer it in the
 * Responses format (the steps and the metrics record are chatRoute's). Stateless: nothing is
 * stored, so a request must carry the whole conversation.
 */
export const createResponse = chatRoute({
  parse: parseResponsesRequest,
  chatOf: (parsed) => parsed.chat,
  respond: (run, parsed) => responsesResponse(run, parsed),
});

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
