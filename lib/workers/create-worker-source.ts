import { withBalancingGroup } from '@/lib/balancing/with-balancing';
import { logEvent } from '@/lib/log/log-event';
import { createOpenAiCompatibleProvider } from '@/lib/openai-compatible/create-openai-compatible-provider';
import type { ChatProvider, ModelCard } from '@/lib/providers/chat-provider';
import type { ModelSource } from '@/lib/providers/provider-registry';
import type { Store } from '@/lib/store/store';
import { listWorkers } from './list-workers';
import type { WorkerEntry } from './worker-entry';
import { workerEndpointId } from './worker-endpoint-id';

export interface WorkerSourceOptions {
  store: Store;
  now: () => number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  fetch?: typeof fetch;
  /** Orders workers with equal load (default Math.random). */
  random?: () => number;
}

/** The models of every live worker are `owned_by` this. */
export const WORKERS_SOURCE_ID = 'workers';

/**
 * The worker registry as a model source (docs/workers.md): one endpoint per live worker,
 * `worker:<id>`, an OpenAI-compatible provider balanced with the others (fewest in flight,
 * cooldown). Listing and routing cost one store command each (the registry, pruned as it is
 * read), plus one for the readiness of all a model's workers when there are several. Workers
 * are handed to the registry in random order: its sort is stable, so workers with equal load
 * share the calls instead of the first always winning (LiteLLM's simple-shuffle). A store
 * failure lists nothing rather than failing the request: the other sources still serve.
 */
export function createWorkerSource(options: WorkerSourceOptions): ModelSource {
  const providerFor = (worker: WorkerEntry): ChatProvider =>
    createOpenAiCompatibleProvider({
      id: workerEndpointId(worker.id),
      baseUrl: worker.baseUrl,
      apiKey: worker.apiKey,
      models: worker.models,
      ownedBy: WORKERS_SOURCE_ID,
      firstByteTimeoutMs: options.firstByteTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      fetch: options.fetch,
    });

  const liveWorkers = async (): Promise<WorkerEntry[]> => {
    try {
      return await listWorkers(options.store, options.now());
    } catch (error) {
      logEvent('warn', 'workers_unreadable', { error: error instanceof Error ? error.message : String(error) });
      return [];
    }
  };

  return {
    id: WORKERS_SOURCE_ID,
    async listModels(): Promise<ModelCard[]> {
      const seen = new Set<string>();
      return (await liveWorkers())
        .flatMap((worker) => providerFor(worker).listModels())
        .filter((card) => !seen.has(card.id) && seen.add(card.id));
    },
    async endpointsFor(model) {
      const serving = (await liveWorkers()).filter((worker) => worker.models.includes(model));
      return withBalancingGroup(shuffle(serving, options.random ?? Math.random).map(providerFor), options.store, options.now);
    },
    async listEndpoints() {
      return withBalancingGroup((await liveWorkers()).map(providerFor), options.store, options.now);
    },
  };
}

/** Fisher–Yates, on a copy. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}
