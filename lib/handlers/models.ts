import type { ClientIdentity } from '@/lib/auth/authenticate-client';
import { resolveModelAlias, type ModelAlias } from '@/lib/config/model-aliases';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { toModelList, toModelObject } from '@/lib/api/openai/model-list';
import { toAnthropicModelList } from '@/lib/api/anthropic-messages/anthropic-model-list';
import type { ModelCard } from '@/lib/providers/chat-provider';

/**
 * GET /v1/models: every source's models merged (`owned_by` = the source's id), from
 * configuration and the store, no upstream call (clients time out after 10 s). In
 * Anthropic's shape when the request carries `anthropic-version` (Anthropic's SDK and Claude
 * Code always send it; OpenAI clients never do). A managed key with a `models` allow-list sees
 * only the ids it may ask for (modelsForClient).
 */
export const listModels: RouteHandler = async (request, scope) => {
  const cards = modelsForClient(await scope.context.providers.listModels(), scope.client, scope.context.config.modelAliases);
  return Response.json(request.headers.has('anthropic-version') ? toAnthropicModelList(cards) : toModelList(cards));
};

/** GET /v1/models/{id}: ids arrive URL-encoded (`DeepseekR1%E8%81%94%E7%BD%91`); 404 for an id outside the key's allow-list. */
export const retrieveModel: RouteHandler = async (_request, scope) => {
  const raw = scope.params.id;
  const id = decodeModelId(Array.isArray(raw) ? raw.join('/') : (raw ?? ''));
  const cards = scope.client.managed?.models
    ? modelsForClient(await scope.context.providers.listModels(), scope.client, scope.context.config.modelAliases)
    : await scope.context.providers.listModels();
  const card = cards.find((candidate) => candidate.id === id);
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

/**
 * The models a client may ask for (docs/keys.md "/v1/models"). Without an allow-list: every
 * card, as before. With one: exactly the allowed ids this deployment serves — the allow-list is
 * checked against the id the client sends, before MODEL_ALIASES, so an allowed id is listed when
 * a source lists it, or when MODEL_ALIASES maps it to a model a source lists (then with that
 * model's `owned_by` and `created`, under the allowed id). In the allow-list's order; allowed ids
 * nothing serves are left out.
 */
export function modelsForClient(cards: readonly ModelCard[], client: ClientIdentity, aliases: readonly ModelAlias[]): ModelCard[] {
  const allowed = client.managed?.models;
  if (!allowed) return [...cards];
  const byId = new Map(cards.map((card) => [card.id, card]));
  return allowed.flatMap((id) => {
    const card = byId.get(id) ?? byId.get(resolveModelAlias(aliases, id));
    return card ? [{ ...card, id }] : [];
  });
}

function decodeModelId(id: string): string {
  try {
    return decodeURIComponent(id);
  } catch {
    return id;
  }
}
