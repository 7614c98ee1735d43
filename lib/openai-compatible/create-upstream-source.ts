import { withBalancing } from '@/lib/balancing/with-balancing';
import type { UpstreamEntry } from '@/lib/config/provider-entries';
import { describeErrorForLog } from '@/lib/errors/gateway-error';
import { logEvent } from '@/lib/log/log-event';
import { fetchWithTimeouts } from '@/lib/outbound/fetch-with-timeouts';
import type { ChatProvider, ModelCard } from '@/lib/providers/chat-provider';
import type { ModelSource } from '@/lib/providers/provider-registry';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import { createOpenAiCompatibleProvider } from './create-openai-compatible-provider';
import { readUpstreamError } from '@/lib/outbound/read-upstream-error';

/** A list read from `GET /models` is read again after this. */
export const MODELS_REFRESH_MS = 5 * 60_000;
/** …and kept this long, so the models stay listed while the upstream is down for a while. */
const MODELS_KEEP_MS = 7 * 24 * 3_600_000;
/** `GET /models` is small: a slow answer is a broken upstream. */
const MODELS_TIMEOUT_MS = 5_000;

/** What the store keeps of an upstream's `GET /models` (also shown on /admin). */
export interface UpstreamModelsRecord {
  models: string[];
  /** When the list was read (0: never). */
  fetchedAt: number;
  /** The last failed read, when it came after the last good one. */
  error?: string;
  errorAt?: number;
}

export interface UpstreamSourceOptions {
  store: Store;
  now: () => number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * One UPSTREAMS entry as a model source (docs/upstreams.md): its endpoint is
 * `upstream:<id>`, its models are `owned_by` its id. With `models` in the entry the list is
 * fixed and costs nothing. Without, it is read from `{baseUrl}/models` and kept in the store
 * (one GET per request that lists or routes; a read of the upstream every 5 minutes, on the
 * request that finds the list old, bounded to 5 s); when a read fails the last list stays.
 * `listModels` never throws: an upstream that cannot be read lists nothing. Its endpoint is
 * balanced with the others that serve a model (lib/balancing/with-balancing.ts).
 */
export function createUpstreamSource(entry: UpstreamEntry, options: UpstreamSourceOptions): ModelSource {
  const key = storeKeys.upstreamModels(entry.id);
  // Balanced (lib/balancing): counted in flight and cooled down after consecutive failures,
  // on every instance; 2 store commands per call (docs/workers.md "Balancing and cooldown").
  const providerFor = (models: string[]): ChatProvider =>
    withBalancing(createOpenAiCompatibleProvider({
      id: `upstream:${entry.id}`,
      baseUrl: entry.baseUrl,
      apiKey: entry.apiKey,
      models,
      ownedBy: entry.id,
      firstByteTimeoutMs: options.firstByteTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      fetch: options.fetch,
    }), options.store, options.now);

  const modelIds = async (): Promise<string[]> => {
    if (entry.models) return entry.models;
    const stored = await readUpstreamModelsRecord(options.store, entry.id).catch(() => undefined);
    if (stored && options.now() - stored.fetchedAt < MODELS_REFRESH_MS) return stored.models;
    if (stored?.errorAt !== undefined && options.now() - stored.errorAt < MODELS_REFRESH_MS) return stored.models;
    return refresh(stored);
  };

  const refresh = async (stored: UpstreamModelsRecord | undefined): Promise<string[]> => {
    const at = options.now();
    let record: UpstreamModelsRecord;
    try {
      record = { models: await fetchModelIds({ name: `upstream:${entry.id}`, baseUrl: entry.baseUrl, apiKey: entry.apiKey }, options.fetch), fetchedAt: at };
    } catch (error) {
      const message = describeErrorForLog(error);
      logEvent('warn', 'upstream_models_unreadable', { upstream: entry.id, error: message });
      record = { models: stored?.models ?? [], fetchedAt: stored?.fetchedAt ?? 0, error: message, errorAt: at };
    }
    await options.store.set(key, JSON.stringify(record), { ttlMs: MODELS_KEEP_MS }).catch(() => undefined);
    return record.models;
  };

  return {
    id: entry.id,
    async listModels(): Promise<ModelCard[]> {
      return providerFor(await modelIds()).listModels();
    },
    async endpointsFor(model) {
      const models = await modelIds();
      return models.includes(model) ? [providerFor(models)] : [];
    },
    async listEndpoints() {
      return [providerFor(await modelIds())];
    },
  };
}

/** The record of an upstream's `GET /models`, undefined before the first read. */
export async function readUpstreamModelsRecord(store: Store, upstreamId: string): Promise<UpstreamModelsRecord | undefined> {
  const raw = await store.get(storeKeys.upstreamModels(upstreamId));
  if (raw === null) return undefined;
  try {
    return JSON.parse(raw) as UpstreamModelsRecord;
  } catch {
    return undefined;
  }
}

/**
 * The model ids an OpenAI-compatible server lists at `GET {baseUrl}/models` (an UPSTREAMS
 * entry without `models`; `npm run worker` without `--models`), bounded to 5 s.
 * @throws GatewayError for an error answer or a timeout (`name` says whose).
 */
export async function fetchModelIds(server: { name: string; baseUrl: string; apiKey?: string }, fetchImpl?: typeof fetch): Promise<string[]> {
  const { response } = await fetchWithTimeouts(
    `${server.baseUrl}/models`,
    { method: 'GET', headers: server.apiKey ? { authorization: `Bearer ${server.apiKey}` } : {} },
    { firstByteTimeoutMs: MODELS_TIMEOUT_MS, idleTimeoutMs: MODELS_TIMEOUT_MS, upstreamName: server.name, fetch: fetchImpl },
  );
  if (!response.ok) throw await readUpstreamError(response, server.name);
  const body = (await response.json()) as { data?: Array<{ id?: unknown }>; models?: Array<{ name?: unknown; model?: unknown }> };
  // OpenAI's shape; Ollama's native /api/tags shape (`models[].name`) too, should a base URL point there.
  const ids = Array.isArray(body.data)
    ? body.data.map((item) => item.id)
    : Array.isArray(body.models)
      ? body.models.map((item) => item.model ?? item.name)
      : [];
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id.trim() !== ''))];
}
