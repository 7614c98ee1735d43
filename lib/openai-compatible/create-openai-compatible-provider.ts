import { describeErrorForLog, GatewayError } from '@/lib/errors/gateway-error';
import { logEvent } from '@/lib/log/log-event';
import { fetchWithTimeouts } from '@/lib/outbound/fetch-with-timeouts';
import { catchStreamErrors } from '@/lib/providers/catch-stream-errors';
import type { ChatProvider, EmbeddingsResult, ModelCard } from '@/lib/providers/chat-provider';
import { parseEventStream } from '@/lib/sse/parse-event-stream';
import { mapOpenAiChunks } from './map-openai-chunks';
import { readUpstreamError } from '@/lib/outbound/read-upstream-error';
import { toOpenAiChatBody } from './to-openai-chat-body';

export interface OpenAiCompatibleOptions {
  /** The ChatProvider id: `upstream:<id>`, `worker:<id>`. */
  id: string;
  /** `…/v1`, without a trailing slash: calls go to `{baseUrl}/chat/completions`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` only; never logged or echoed. */
  apiKey?: string;
  models: string[];
  /** `owned_by` of its models in /v1/models. */
  ownedBy: string;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  fetch?: typeof fetch;
}

/** Listed with this creation time (the upstream's own is not read: clients only display it). */
const MODEL_LIST_CREATED = 1_735_689_600;

/**
 * Any OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp, LM Studio, LiteLLM, …) as a
 * ChatProvider. Tools and `response_format` are native: they go to the upstream as the client
 * sent them, and its tool calls come back as tool-call blocks. The call is always streamed;
 * `streamChat` resolves once the upstream answered 200 (so a refusal before that fails over
 * to another endpoint, docs/providers.md), and the upstream's errors keep their status.
 * Bounded by the first-byte and idle timeouts; the client's disconnect aborts the call.
 */
export function createOpenAiCompatibleProvider(options: OpenAiCompatibleOptions): ChatProvider {
  const headers = (): Record<string, string> => ({
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
  });
  const timeouts = { firstByteTimeoutMs: options.firstByteTimeoutMs, idleTimeoutMs: options.idleTimeoutMs, upstreamName: options.id, fetch: options.fetch };

  return {
    id: options.id,
    native: { tools: true, responseFormat: true },

    listModels(): ModelCard[] {
      return options.models.map((id) => ({ id, ownedBy: options.ownedBy, created: MODEL_LIST_CREATED }));
    },

    async streamChat(request, callOptions) {
      const { response, abort } = await fetchWithTimeouts(
        `${options.baseUrl}/chat/completions`,
        { method: 'POST', headers: headers(), body: JSON.stringify(toOpenAiChatBody(request)) },
        { ...timeouts, signal: callOptions.signal },
      );
      if (!response.ok || !response.body) {
        const error = await readUpstreamError(response, options.id);
        abort();
        logEvent('warn', 'upstream_refused', { requestId: callOptions.requestId, upstream: options.id, error: describeErrorForLog(error) });
        throw error;
      }
      return catchStreamErrors(parseEventStream(response.body).pipeThrough(mapOpenAiChunks(options.id)), options.id, abort);
    },

    async embed(request, callOptions): Promise<EmbeddingsResult> {
      const body = {
        model: request.model,
        input: request.input,
        ...(request.dimensions !== undefined ? { dimensions: request.dimensions } : {}),
        ...(request.encodingFormat !== undefined ? { encoding_format: request.encodingFormat } : {}),
        ...(request.user !== undefined ? { user: request.user } : {}),
      };
      const { response } = await fetchWithTimeouts(
        `${options.baseUrl}/embeddings`,
        { method: 'POST', headers: headers(), body: JSON.stringify(body) },
        { ...timeouts, signal: callOptions.signal },
      );
      if (!response.ok) throw await readUpstreamError(response, options.id);
      const parsed = (await response.json().catch(() => undefined)) as
        | { data?: Array<{ index?: number; embedding?: number[] | string }>; usage?: { prompt_tokens?: number; total_tokens?: number } }
        | undefined;
      if (!parsed || !Array.isArray(parsed.data)) {
        throw new GatewayError(`${options.id} answered embeddings without a data list.`, { status: 502, type: 'upstream_error', code: 'upstream_malformed' });
      }
      return {
        data: parsed.data.map((item, index) => ({ index: item.index ?? index, embedding: item.embedding ?? [] })),
        usage: { promptTokens: parsed.usage?.prompt_tokens ?? 0, totalTokens: parsed.usage?.total_tokens ?? parsed.usage?.prompt_tokens ?? 0 },
      };
    },
  };
}
