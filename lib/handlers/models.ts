import { GatewayError } from '@/lib/errors/gateway-error';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { toModelList, toModelObject } from '@/lib/api/openai/model-list';

/** GET /v1/models: from configuration, no upstream call (clients time out after 10 s). */
export const listModels: RouteHandler = async (_request, scope) => Response.json(toModelList(scope.context.providers.listModels()));

/** GET /v1/models/{id}: ids arrive URL-encoded (`DeepseekR1%E8%81%94%E7%BD%91`). */
export const retrieveModel: RouteHandler = async (_request, scope) => {
  const raw = scope.params.id;
  const id = decodeModelId(Array.isArray(raw) ? raw.join('/') : (raw ?? ''));
  const card = scope.context.providers.findModel(id);
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
