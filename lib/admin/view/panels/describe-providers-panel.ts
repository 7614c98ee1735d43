import type { ChatProvider, Readiness } from '@/lib/providers/chat-provider';
import type { ModelSource } from '@/lib/providers/provider-registry';
import type { WorkerStatus } from '@/lib/workers/describe-workers';
import { formatDuration } from '../format-time';
import type { PanelState } from '../status-level';

/** One endpoint (a XIPU account, an upstream, a worker, the mock) as routing sees it now. */
export interface ProviderEndpointView {
  id: string;
  /** `unknown`: its readiness could not be read (the store, say). */
  state: 'available' | 'unavailable' | 'unknown';
  /** Why it is unavailable, or when it could start and what it is serving. */
  reason: string;
  startsInMs?: number;
  inFlight?: number;
  /** The newest failed request among the recent ones this endpoint served (a fixed code, never a message). */
  lastError?: { at: number; code: string };
}

export interface ProviderSourceView {
  id: string;
  models: string[];
  endpoints: ProviderEndpointView[];
}

export interface ProvidersPanel extends PanelState {
  sources: ProviderSourceView[];
  /** The worker registry's entries (WORKER_SECRET set): heartbeat, expiry, load and health; never an apiKey. */
  workers?: WorkerStatus[];
}

/**
 * Reads every source's models and endpoints and each endpoint's readiness (the same facts
 * routing orders by, docs/providers.md "Routing"). One or two store commands per endpoint;
 * never an upstream call.
 */
export async function readProviderSources(sources: readonly ModelSource[]): Promise<ProviderSourceView[]> {
  return Promise.all(
    sources.map(async (source) => {
      const models = (await source.listModels()).map((card) => card.id);
      const endpoints = source.listEndpoints ? await source.listEndpoints() : await endpointsOfModels(source, models);
      return { id: source.id, models, endpoints: await Promise.all(endpoints.map(describeEndpoint)) };
    }),
  );
}

async function endpointsOfModels(source: ModelSource, models: string[]): Promise<ChatProvider[]> {
  const byId = new Map<string, ChatProvider>();
  for (const list of await Promise.all(models.map((model) => source.endpointsFor(model)))) for (const endpoint of list) byId.set(endpoint.id, endpoint);
  return [...byId.values()];
}

async function describeEndpoint(endpoint: ChatProvider): Promise<ProviderEndpointView> {
  let readiness: Readiness;
  try {
    readiness = endpoint.readiness ? await endpoint.readiness() : { available: true, startsInMs: 0, inFlight: 0 };
  } catch (error) {
    return { id: endpoint.id, state: 'unknown', reason: `readiness unreadable: ${error instanceof Error ? error.message : String(error)}`.slice(0, 200) };
  }
  if (!readiness.available) return { id: endpoint.id, state: 'unavailable', reason: readiness.reason };
  const start = readiness.startsInMs > 0 ? `may start in ${formatDuration(readiness.startsInMs)}` : 'may start now';
  return { id: endpoint.id, state: 'available', reason: `${start}; ${readiness.inFlight} in flight`, startsInMs: readiness.startsInMs, inFlight: readiness.inFlight };
}

/**
 * Red when a source has no endpoint that can serve, amber when some endpoint cannot. `recent`
 * (the traffic panel's requests, newest first) gives each endpoint its last error.
 */
export function describeProvidersPanel(
  read: ProviderSourceView[] | undefined,
  recent: ReadonlyArray<{ at: number; upstream?: string; error?: string }> = [],
  workers?: WorkerStatus[],
): ProvidersPanel {
  if (!read) return { level: 'unknown', reason: 'The providers could not be read.', sources: [], workers };
  const sources = read.map((source) => ({
    ...source,
    endpoints: source.endpoints.map((endpoint) => {
      const failed = recent.find((record) => record.upstream === endpoint.id && record.error !== undefined);
      return failed ? { ...endpoint, lastError: { at: failed.at, code: failed.error! } } : endpoint;
    }),
  }));
  const stuck = sources.filter((source) => source.endpoints.length === 0 || source.endpoints.every((endpoint) => endpoint.state === 'unavailable'));
  const unavailable = sources.flatMap((source) => source.endpoints.filter((endpoint) => endpoint.state === 'unavailable'));
  const count = `${sources.length} source${sources.length === 1 ? '' : 's'}, ${sources.reduce((sum, source) => sum + source.endpoints.length, 0)} endpoint(s)`;
  if (stuck.length > 0) return { level: 'red', reason: `${stuck.map((source) => source.id).join(', ')}: nothing can serve now (${count}).`, sources, workers };
  if (unavailable.length > 0) return { level: 'amber', reason: `${unavailable.map((endpoint) => `${endpoint.id} ${endpoint.reason}`).join('; ')} — the others serve (${count}).`, sources, workers };
  return { level: 'green', reason: `Every endpoint can take a call (${count}).`, sources, workers };
}
