import type { ModelCard } from '@/lib/providers/chat-provider';

/** OpenAI's `Model` object. */
export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** OpenAI's `ListModelsResponse`. */
export interface OpenAIModelList {
  object: 'list';
  data: OpenAIModel[];
}

/** One model card as OpenAI's `Model` object (`GET /v1/models/{id}`). */
export function toModelObject(card: ModelCard): OpenAIModel {
  return { id: card.id, object: 'model', created: card.created, owned_by: card.ownedBy };
}

/** Model cards as `{"object":"list","data":[…]}` in the given order (`GET /v1/models`). */
export function toModelList(cards: readonly ModelCard[]): OpenAIModelList {
  return { object: 'list', data: cards.map(toModelObject) };
}
