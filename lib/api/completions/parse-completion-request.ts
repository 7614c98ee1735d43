import { invalidRequest } from '@/lib/errors/gateway-error';
import { parseRequestBody } from '@/lib/api/openai/parse-request-body';
import type { ChatRequest } from '@/lib/providers/chat-provider';
import { completionRequestSchema, type ParsedCompletionRequest } from './completion-request-schema';
import { parseCompletionPrompt } from './parse-completion-prompt';

/**
 * Validates a legacy Completions request body (already JSON-parsed) and turns it into a
 * ChatRequest: the prompt becomes one user message, so the chat pipeline runs it like any
 * chat (stop sequences, time limit, usage estimate). Lenient like Chat Completions
 * (docs/client-compat §10): unknown fields pass and `null` means "not given".
 *
 * - `max_tokens`, `temperature`, `top_p`, `presence_penalty`, `frequency_penalty` are read;
 *   `stop`: string | string[] | null → string[] without empty strings.
 * - `stream` defaults to false; `stream_options.include_usage: true` → `includeUsage`.
 * - No tools: this API has none, so the ChatRequest never carries `tools`.
 *
 * @throws GatewayError 400 `invalid_request_error` naming the param, before anything is sent
 *   upstream: a non-object body, a missing or wrongly typed field, a number outside OpenAI's
 *   range, a prompt this service cannot serve (parseCompletionPrompt), a non-empty `suffix`,
 *   `echo: true`, any `logprobs`, or `best_of` / `n` other than 1 (one choice per request).
 */
export function parseCompletionRequest(body: unknown): ChatRequest {
  const request = parseRequestBody(completionRequestSchema, body);
  refuseUnservedOptions(request);
  const prompt = parseCompletionPrompt(request.prompt);
  const stop = request.stop == null ? [] : typeof request.stop === 'string' ? [request.stop] : request.stop;

  return {
    model: request.model,
    messages: [{ role: 'user', content: prompt }],
    ...(request.temperature == null ? {} : { temperature: request.temperature }),
    ...(request.top_p == null ? {} : { topP: request.top_p }),
    ...(request.max_tokens == null ? {} : { maxTokens: request.max_tokens }),
    ...(request.presence_penalty == null ? {} : { presencePenalty: request.presence_penalty }),
    ...(request.frequency_penalty == null ? {} : { frequencyPenalty: request.frequency_penalty }),
    stop: stop.filter((sequence) => sequence !== ''),
    stream: request.stream ?? false,
    includeUsage: request.stream_options?.include_usage === true,
  };
}

/**
 * The options whose answer this service cannot give: refused rather than ignored, since a
 * client that asks for them reads fields (log probabilities, several choices, the echoed
 * prompt, text around a suffix) that would silently be wrong.
 */
function refuseUnservedOptions(request: ParsedCompletionRequest): void {
  if (request.suffix != null && request.suffix !== '') {
    throw invalidRequest(
      "Unsupported parameter: 'suffix'. This service completes text after the prompt only (no insertion); omit suffix.",
      'suffix',
      'unsupported_parameter',
    );
  }
  if (request.echo === true) {
    throw invalidRequest("Unsupported value: 'echo' must be false or omitted. This service does not echo the prompt.", 'echo', 'unsupported_value');
  }
  if (request.logprobs != null) {
    throw invalidRequest("Unsupported parameter: 'logprobs'. The upstream reports no log probabilities; send null or omit it.", 'logprobs', 'unsupported_parameter');
  }
  for (const param of ['best_of', 'n'] as const) {
    const value = request[param];
    if (value != null && value !== 1) {
      throw invalidRequest(
        `Invalid value for '${param}': ${value}. This service returns exactly one choice per request; send ${param} = 1 or omit it.`,
        param,
        'unsupported_value',
      );
    }
  }
}
