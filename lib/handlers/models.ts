import { GatewayError } from '@/lib/errors/gateway-error';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { toModelList, toModelObject } from '@/lib/api/openai/model-list';
import { toAnthropicModelList } from '@/lib/api/anthropic-messages/anthropic-model-list';

/**
 * GET /v1/models: every source's models merged (`owned_by` = the source's id), from
 * configuration and the store, no upstream call (clients time out after 10 s). In
 * Anthropic's shape when the request carries `anthropic-version` (Anthropic's SDK and Claude
 * Code always send it; OpenAI clients never do).
 */
export const listModels: RouteHandler = async (request, scope) => {
  const cards = await scope.context.providers.listModels();
  return Response.json(request.headers.has('anthropic-version') ? toAnthropicModelList(cards) : toModelList(cards));
};

/** GET /v1/models/{id}: ids arrive URL-encoded (`DeepseekR1%E8%81%94%E7%BD%91`). */
export const retrieveModel: RouteHandler = async (_request, scope) => {
  const raw = scope.params.id;
  const id = decodeModelId(Array.isArray(raw) ? raw.join('/') : (raw ?? ''));
  const card = await scope.context.providers.findModel(id);
  if (!card) {
    throw new GatewayError(`The model '${id}' does not exist.`, {
      status: 404,
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
      retryable: false,
    });
  }
  return Response.json(toModelObject(card));
};

function decodeModelId(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}
