import { invalidRequest } from '@/lib/errors/gateway-error';
import type { ChatRequest } from '@/lib/providers/chat-provider';
import { convertMessages } from './convert-messages';
import { messagesRequestSchema } from './messages-request-schema';
import { parseAnthropicTools } from './parse-anthropic-tools';

/**
 * Validates a Messages request body (already JSON-parsed) into a ChatRequest: the messages
 * (convertMessages), tools (parseAnthropicTools), `max_tokens`, `stop_sequences` (empty ones
 * dropped), `temperature`, `top_p` and `stream` (default false). `top_k`, `metadata`,
 * `thinking` and unknown fields are accepted and ignored.
 *
 * `requireMaxTokens`: `/v1/messages` needs `max_tokens`, as Anthropic does;
 * `/v1/messages/count_tokens` does not take it.
 *
 * @throws GatewayError 400 naming the field (`max_tokens: Field required`) before anything is
 *   sent upstream.
 */
export function parseMessagesRequest(body: unknown, options: { requireMaxTokens: boolean }): ChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
  }
  const result = messagesRequestSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    const missing = issue?.code === 'invalid_type' && getPath(body, issue.path) === undefined;
    throw invalidRequest(`${path || 'body'}: ${missing ? 'Field required' : (issue?.message ?? 'invalid value')}`, path || null, 'invalid_value');
  }
  const request = result.data;
  if (options.requireMaxTokens && request.max_tokens == null) {
    throw invalidRequest('max_tokens: Field required', 'max_tokens', 'missing_required_parameter');
  }
  const messages = convertMessages(request);
  const tools = parseAnthropicTools(request);
  return {
    model: request.model,
    messages,
    ...(request.temperature == null ? {} : { temperature: request.temperature }),
    ...(request.top_p == null ? {} : { topP: request.top_p }),
    ...(request.max_tokens == null ? {} : { maxTokens: request.max_tokens }),
    stop: (request.stop_sequences ?? []).filter((sequence) => sequence !== ''),
    stream: request.stream ?? false,
    includeUsage: false,
    ...(tools === undefined ? {} : { tools }),
  };
}

function getPath(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
