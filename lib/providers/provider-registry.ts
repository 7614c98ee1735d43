import type { ChatProvider, ModelCard } from './chat-provider';

/**
 * Routing by model: the provider that lists a model serves it; an id nobody lists goes to
 * the default provider, which passes it through to its upstream (XIPU's list changes over
 * time: docs/xipu-protocol.md "Models").
 */
export interface ProviderRegistry {
  listModels(): ModelCard[];
  findModel(id: string): ModelCard | undefined;
  resolve(model: string): ChatProvider;
}

export function createProviderRegistry(providers: ChatProvider[], defaultProvider: ChatProvider = providers[0]!): ProviderRegistry {
  const listModels = () => {
    const seen = new Set<string>();
    return providers.flatMap((provider) => provider.listModels()).filter((card) => !seen.has(card.id) && seen.add(card.id));
  };
  return {
    listModels,
    findModel: (id) => listModels().find((card) => card.id === id),
    resolve: (model) => providers.find((provider) => provider.listModels().some((card) => card.id === model)) ?? defaultProvider,
  };
}
