import type { Store } from '@/lib/store/store';
import type { ChatProvider, ModelCard, Readiness } from './chat-provider';
import { rotate, takeRouteTurn } from './take-route-turn';

/**
 * A provider in the user's sense: one source of models behind the gateway's URL, with the
 * endpoints that serve them. XIPU (one endpoint per account), each UPSTREAMS entry, the worker
 * registry (one endpoint per live worker), the mock model, ai-chats.org.
 */
export interface ModelSource {
  /** The `owned_by` of its models in /v1/models, and its name on /admin (`xipu`, an upstream's id, `workers`, `mock`, `aichats`). */
  readonly id: string;
  /** Its models now. May read the store (a cached `GET /models`, the worker registry); never slow. */
  listModels(): Promise<ModelCard[]>;
  /**
   * The endpoints that serve `model` (one per account, upstream or worker), in no particular
   * order; [] when it does not serve it.
   */
  endpointsFor(model: string): Promise<ChatProvider[]>;
  /** Every endpoint it has now, for /admin (no routing side effect). Absent: the union of endpointsFor over its models. */
  listEndpoints?(): Promise<ChatProvider[]>;
  /**
   * Takes the ids no source lists (XIPU: its model list changes over time,
   * docs/xipu-protocol.md "Models"). At most one source passes through.
   */
  readonly passThrough?: boolean;
}

/** Routing by model over every source (docs/providers.md "Routing"). */
export interface ProviderRegistry {
  readonly sources: readonly ModelSource[];
  /** Every source's models, merged: an id two sources list appears once, the first source's card. */
  listModels(): Promise<ModelCard[]>;
  findModel(id: string): Promise<ModelCard | undefined>;
  /**
   * The endpoints for `model`, best first: every source that lists it (else the pass-through
   * source), ordered by readiness — available before unavailable, then the soonest start, then
   * the fewest in flight, then the sources' order. [] when nothing serves it. Readiness is read
   * only when there is more than one endpoint, so one account costs no store command here.
   */
  route(model: string): Promise<ChatProvider[]>;
}

export function createProviderRegistry(sources: ModelSource[]): ProviderRegistry {
  const listModels = async () => {
    const lists = await Promise.all(sources.map((source) => source.listModels()));
    const seen = new Set<string>();
    return lists.flat().filter((card) => !seen.has(card.id) && seen.add(card.id));
  };
  return {
    sources,
    listModels,
    findModel: async (id) => (await listModels()).find((card) => card.id === id),
    async route(model) {
      // The pass-through source answers for ids it does not list too; here only a listed id
      // counts, or a model another source serves would fail over to it (XIPU: 404 for gpt-4o),
      // or compete for a worker's model and win whenever the workers are busy.
      const found = (await Promise.all(sources.map((source) => (source.passThrough ? endpointsListing(source, model) : source.endpointsFor(model))))).flat();
      const passThrough = sources.find((source) => source.passThrough);
      const endpoints = found.length > 0 ? found : passThrough ? await passThrough.endpointsFor(model) : [];
      return orderByReadiness(endpoints);
    },
  };
}

/** The source's endpoints for `model` when it lists `model`, else []. */
async function endpointsListing(source: ModelSource, model: string): Promise<ChatProvider[]> {
  return (await source.listModels()).some((card) => card.id === model) ? source.endpointsFor(model) : [];
}

/** Unavailable ones last; then soonest start, fewest in flight, the given order. */
export async function orderByReadiness(endpoints: ChatProvider[]): Promise<ChatProvider[]> {
  if (endpoints.length < 2) return endpoints;
  const readiness = await Promise.all(endpoints.map((endpoint) => readinessOf(endpoint)));
  return endpoints
    .map((endpoint, index) => ({ endpoint, index, readiness: readiness[index]! }))
    .sort((a, b) => compareReadiness(a.readiness, b.readiness) || a.index - b.index)
    .map(({ endpoint }) => endpoint);
}

async function readinessOf(endpoint: ChatProvider): Promise<Readiness> {
  if (!endpoint.readiness) return { available: true, startsInMs: 0, inFlight: 0 };
  try {
    return await endpoint.readiness();
  } catch {
    // A store failure: no worse than unknown; the call itself will say what is wrong.
    return { available: true, startsInMs: Number.MAX_SAFE_INTEGER, inFlight: 0 };
  }
}

function compareReadiness(a: Readiness, b: Readiness): number {
  if (a.available !== b.available) return a.available ? -1 : 1;
  if (!a.available || !b.available) return 0;
  return a.startsInMs - b.startsInMs || a.inFlight - b.inFlight;
}

/**
 * A source of fixed endpoints that each list their models (the mock, XIPU's accounts, ai-chats).
 * With `rotation` and more than one endpoint, each routing decision takes a turn from a shared
 * counter and starts the endpoints' order there (./take-route-turn.ts): ties in readiness then
 * alternate between them instead of all going to the first.
 */
export function staticSource(id: string, endpoints: ChatProvider[], options: { passThrough?: boolean; rotation?: { store: Store; key: string } } = {}): ModelSource {
  const listModels = () => {
    const seen = new Set<string>();
    return endpoints.flatMap((endpoint) => endpoint.listModels()).filter((card) => !seen.has(card.id) && seen.add(card.id));
  };
  return {
    id,
    passThrough: options.passThrough,
    listModels: async () => listModels(),
    listEndpoints: async () => endpoints,
    async endpointsFor(model) {
      const serving = options.passThrough && !listModels().some((card) => card.id === model) ? endpoints : endpoints.filter((endpoint) => endpoint.listModels().some((card) => card.id === model));
      if (!options.rotation || serving.length < 2) return serving;
      const turn = await takeRouteTurn(options.rotation.store, options.rotation.key).catch(() => 0);
      return rotate(serving, turn);
    },
  };
}
