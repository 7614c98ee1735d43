import type { ModelCard } from '@/lib/providers/chat-provider';

/** One model in Anthropic's list shape. */
export interface AnthropicModel {
  type: 'model';
  id: string;
  display_name: string;
  /** RFC 3339. */
  created_at: string;
}

/** Anthropic's `GET /v1/models` answer: one page holding every model. */
export interface AnthropicModelList {
  data: AnthropicModel[];
  has_more: false;
  first_id: string | null;
  last_id: string | null;
}

/** Model cards in Anthropic's shape (sent when the request carries `anthropic-version`). */
export function toAnthropicModelList(cards: readonly ModelCard[]): AnthropicModelList {
  const data = cards.map((card): AnthropicModel => ({
    type: 'model',
    id: card.id,
    display_name: card.id,
    created_at: new Date(card.created * 1000).toISOString(),
  }));
  return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
