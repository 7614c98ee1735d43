import { z } from 'zod';
import { parseRequestBody } from '@/lib/api/openai/parse-request-body';
import { enforceClientLimits } from '@/lib/auth/enforce-client-limits';
import { countTokens } from '@/lib/chat/count-tokens';
import { resolveModelAlias } from '@/lib/config/model-aliases';
import { invalidRequest, modelNotFound } from '@/lib/errors/gateway-error';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { readJsonBody } from '@/lib/http/read-json-body';
import { createRequestRecorder } from '@/lib/metrics/create-request-recorder';
import { failOver } from '@/lib/providers/fail-over';

/**
 * The embeddings request fields the answer depends on; the rest pass unread (docs/client-compat
 * §10). `input` takes OpenAI's forms: a string, strings, token ids, arrays of token ids.
 */
const embeddingsRequestSchema = z.looseObject({
  model: z.string().trim().min(1),
  input: z.union([z.string(), z.array(z.union([z.string(), z.number().int(), z.array(z.number().int())])).min(1)]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().optional(),
});

/**
 * POST /v1/embeddings, routed by model like a chat (docs/providers.md): validate, apply the
 * client's limits, MODEL_ALIASES, then the model's endpoints that serve embeddings (upstreams,
 * workers, the mock), failing over between them before the answer. Refused with no upstream
 * call: a bad body (400); a model that is served but has no embeddings, such as a XIPU chat
 * model (400 `model_not_supported`); a model nobody serves (404 `model_not_found`). One
 * metrics record per request, like the chat routes.
 */
export const embeddings: RouteHandler = async (request, scope) => {
  const { config, store, providers } = scope.context;
  const startedAt = scope.context.now();
  const recorder = createRequestRecorder({ store, requestId: scope.requestId, client: scope.client.name, keyId: scope.client.managed ? scope.client.id : undefined, startedAt, now: scope.context.now, signal: request.signal });
  scope.onAnswered(recorder.answered);
  scope.defer(recorder.save);

  const body = parseRequestBody(embeddingsRequestSchema, await readJsonBody(request, config.limits.maxRequestBytes));
  scope.logFields.model = body.model;
  recorder.describe({ model: body.model, stream: false });
  const input = normaliseInput(body.input);
  const lease = await enforceClientLimits(store, scope.client, config.limits, scope.requestId, scope.context.now, {
    model: body.model,
    estimateTokens: () => estimateInputTokens(input),
  });
  recorder.holdLease(lease);
  if (scope.client.managed) recorder.chargeTo({ keyId: scope.client.id, reservation: lease.reservation });

  const model = resolveModelAlias(config.modelAliases, body.model);
  const endpoints = await providers.route(model);
  const embedders = endpoints.filter((endpoint) => endpoint.embed !== undefined);
  if (embedders.length === 0) {
    if (endpoints.length > 0 && (await providers.findModel(model)) !== undefined) {
      throw invalidRequest(`${body.model} is a chat model; it offers no embeddings.`, 'model', 'model_not_supported');
    }
    throw modelNotFound(body.model, 'does not exist or does not serve embeddings');
  }
  const result = await failOver(
    embedders,
    (endpoint) =>
      endpoint.embed!(
        // Floats from every upstream (Ollama and llama.cpp ignore `encoding_format`); encoded here when asked.
        { model, input, dimensions: body.dimensions, user: body.user },
        { signal: request.signal, defer: scope.defer, requestId: scope.requestId },
      ),
    {
      signal: request.signal,
      requestId: scope.requestId,
      onAttempt: (endpoint) => {
        scope.logFields.upstream = endpoint.id;
        recorder.routedTo(endpoint.id);
      },
    },
  );
  recorder.countedUsage(() => ({ promptTokens: result.usage.promptTokens, completionTokens: 0 }));
  return Response.json({
    object: 'list',
    data: result.data.map((item) => ({
      object: 'embedding',
      index: item.index,
      embedding: body.encoding_format === 'base64' ? toBase64(item.embedding) : item.embedding,
    })),
    model: body.model,
    usage: { prompt_tokens: result.usage.promptTokens, total_tokens: result.usage.totalTokens },
  });
};

/** An embeddings request's tokens, reserved against a key's daily quota: the texts' estimate, or the ids given. */
function estimateInputTokens(input: string[] | number[][]): number {
  return input.reduce<number>((total, item) => total + (typeof item === 'string' ? countTokens(item) : item.length), 0);
}

/** `input` as a list: a string alone, or token ids alone (one input), become a list of one. */
function normaliseInput(input: string | Array<string | number | number[]>): string[] | number[][] {
  if (typeof input === 'string') return [input];
  if (input.every((item) => typeof item === 'number')) return [input as number[]];
  if (input.every((item) => typeof item === 'string')) return input as string[];
  if (input.every((item) => Array.isArray(item))) return input as number[][];
  throw invalidRequest('`input` mixes texts and token ids; send one kind.', 'input', 'invalid_input');
}

/**
 * OpenAI's `encoding_format: "base64"`: the floats as little-endian float32, base64-encoded
 * (openai-node asks for it by default and decodes it). An upstream's base64 passes as it came.
 */
function toBase64(embedding: number[] | string): string {
  if (typeof embedding === 'string') return embedding;
  return Buffer.from(new Float32Array(embedding).buffer).toString('base64');
}
