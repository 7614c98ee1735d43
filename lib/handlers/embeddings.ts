import { z } from 'zod';
import { parseRequestBody } from '@/lib/api/openai/parse-request-body';
import { GatewayError, invalidRequest } from '@/lib/errors/gateway-error';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { readJsonBody } from '@/lib/http/read-json-body';

/**
 * The embeddings request fields the answer depends on; the rest (`dimensions`,
 * `encoding_format`, `user`) pass unread (docs/client-compat §10). `input` takes OpenAI's forms:
 * a string, strings, token ids, arrays of token ids.
 */
const embeddingsRequestSchema = z.looseObject({
  model: z.string().trim().min(1),
  input: z.union([z.string(), z.array(z.union([z.string(), z.number().int(), z.array(z.number().int())])).min(1)]),
});

/**
 * POST /v1/embeddings. No provider serves embeddings yet (`ChatProvider` has no such method),
 * so every valid request is refused, with no upstream call, in the words a client can act
 * on: a XIPU chat model → 400 `model_not_supported` (the model exists but has no embeddings);
 * any other model → 404 `model_not_found`, as OpenAI answers it. The body is validated first,
 * so a bad one gets its 400 whatever the model. The providers issue adds providers that serve
 * embeddings; this handler is where routing by model to them goes.
 */
export const embeddings: RouteHandler = async (request, scope) => {
  const body = await readJsonBody(request, scope.context.config.limits.maxRequestBytes);
  const { model } = parseRequestBody(embeddingsRequestSchema, body);
  scope.logFields.model = model;
  if ((await scope.context.providers.findModel(model)) !== undefined) {
    throw invalidRequest(`${model} is a chat model; XIPU offers no embeddings.`, 'model', 'model_not_supported');
  }
  throw new GatewayError(`The model '${model}' does not exist or does not serve embeddings.`, {
    status: 404,
    type: 'invalid_request_error',
    code: 'model_not_found',
    param: 'model',
    retryable: false,
  });
};
