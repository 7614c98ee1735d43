import { invalidRequest } from '@/lib/errors/gateway-error';
import { chatRequestSchema } from '@/lib/api/chat-completions/chat-request-schema';
import { parseRequestBody } from '@/lib/api/openai/parse-request-body';
import { normalizeChatMessage } from '@/lib/api/chat-completions/normalize-chat-message';
import { parseToolRequest } from '@/lib/api/chat-completions/parse-tool-request';
import { parseResponseFormat } from '@/lib/api/chat-completions/parse-response-format';
import { checkToolResultIds } from '@/lib/api/chat-completions/check-tool-result-ids';
import type { ChatMessage, ChatRequest } from '@/lib/providers/chat-provider';

/**
 * Validates a Chat Completions request body (already JSON-parsed) and normalises it into a
 * ChatRequest. Lenient by design (docs/client-compat §10–12): unknown fields are accepted
 * everywhere and `null` means "not given" for every optional field.
 *
 * - `model` is trimmed and must be non-empty; `messages` must be a non-empty array (see
 *   normalizeChatMessage for roles and content).
 * - `max_completion_tokens` wins over `max_tokens`.
 * - `stop`: string | string[] | null → string[] without empty strings (more than OpenAI's 4
 *   is accepted).
 * - `stream` defaults to false; `stream_options.include_usage: true` → `includeUsage`.
 * - `tools` / `functions`, `tool_choice` / `function_call`, `parallel_tool_calls` → `tools`
 *   (parseToolRequest), `response_format` → `responseFormat` (parseResponseFormat); each is
 *   left out when it asks for nothing, so a request without tools is the ChatRequest it
 *   always was. With tools, every `tool` message must answer an earlier call
 *   (checkToolResultIds).
 *
 * @throws GatewayError 400 `invalid_request_error` whose `param` names the offending field
 *   (`messages[0].content`) for a non-object body, a missing or wrongly typed field, a
 *   sampling number outside OpenAI's range, an unknown role, a message without the content
 *   it needs (only an assistant tool-call turn may omit it), a non-text content part,
 *   `n` other than 1, a bad tool name or choice, or a tool result that answers no call —
 *   before anything is sent upstream.
 */
export function parseChatRequest(body: unknown): ChatRequest {
  const request = parseRequestBody(chatRequestSchema, body);

  if (request.n != null && request.n !== 1) {
    throw invalidRequest(
      `Invalid value for 'n': ${request.n}. This service returns exactly one choice per request; send n = 1 or omit it.`,
      'n',
      'unsupported_value',
    );
  }

  const messages: ChatMessage[] = [];
  request.messages.forEach((message, index) => {
    const normalized = normalizeChatMessage(message, index);
    if (normalized !== null) messages.push(normalized);
  });
  if (messages.length === 0) {
    throw invalidRequest("Invalid 'messages': no message left besides formatting hints.", 'messages', 'empty_array');
  }

  const tools = parseToolRequest(request);
  if (tools !== undefined) checkToolResultIds(request.messages);
  const responseFormat = parseResponseFormat(request);

  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  const stop = request.stop == null ? [] : typeof request.stop === 'string' ? [request.stop] : request.stop;

  return {
    model: request.model,
    messages,
    ...(request.temperature == null ? {} : { temperature: request.temperature }),
    ...(request.top_p == null ? {} : { topP: request.top_p }),
    ...(maxTokens == null ? {} : { maxTokens }),
    ...(request.presence_penalty == null ? {} : { presencePenalty: request.presence_penalty }),
    ...(request.frequency_penalty == null ? {} : { frequencyPenalty: request.frequency_penalty }),
    stop: stop.filter((sequence) => sequence !== ''),
    stream: request.stream ?? false,
    includeUsage: request.stream_options?.include_usage === true,
    ...(tools === undefined ? {} : { tools }),
    ...(responseFormat === undefined ? {} : { responseFormat }),
  };
}
