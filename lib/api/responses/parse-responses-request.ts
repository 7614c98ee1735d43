import { convertZodIssue } from '@/lib/api/openai/convert-zod-issue';
import { invalidRequest } from '@/lib/errors/gateway-error';
import type { ChatRequest } from '@/lib/providers/chat-provider';
import { convertInputItems } from './convert-input-items';
import { parseResponsesTools } from './parse-responses-tools';
import { parseTextFormat } from './parse-text-format';
import type { ResponseEcho } from './response-types';
import type { ResolvedInput } from './resolve-stored-input';
import { responsesRequestSchema, type InputItem, type ParsedResponsesRequest } from './responses-request-schema';

/** A parsed Responses request: what the pipeline runs, and what the answer needs besides. */
export interface ParsedResponses {
  chat: ChatRequest;
  /** The request fields the response object repeats. */
  echo: ResponseEcho;
  /** Tools whose calls are answered as `custom_tool_call` items. */
  customToolNames: ReadonlySet<string>;
  /** Whether the answer is stored (`store` not false; Codex sends false). */
  store: boolean;
  /** The conversation the answer continues, as input items: stored with it (stored-responses.ts). */
  conversation: InputItem[];
}

/**
 * Validates and converts a Responses request body (already JSON-parsed) with nothing stored
 * to read: validateResponsesRequest, then toParsedResponses with the input as sent.
 */
export function parseResponsesRequest(body: unknown): ParsedResponses {
  const request = validateResponsesRequest(body);
  return toParsedResponses(request, body, { prior: [], input: request.input });
}

/**
 * Validates a Responses request body (already JSON-parsed) against the schema.
 *
 * @throws GatewayError 400 `invalid_request_error`, before any upstream call, naming the
 *   field: a non-object body, a missing or wrongly typed field.
 */
export function validateResponsesRequest(body: unknown): ParsedResponsesRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
  }
  const result = responsesRequestSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw issue === undefined ? invalidRequest('The request body is invalid.', null, 'invalid_body') : convertZodIssue(issue, body);
  }
  return result.data;
}

/**
 * A validated request into a ChatRequest, with the stored conversation `resolved` read
 * (resolve-stored-input.ts): `instructions`, the previous response's conversation and `input`
 * → messages (convert-input-items.ts), `tools` / `tool_choice` / `parallel_tool_calls` → tools
 * (parse-responses-tools.ts), `text.format` → responseFormat, `max_output_tokens` → maxTokens,
 * `temperature`, `top_p`, `stream` (default false). The Responses API has no stop sequences.
 *
 * @throws GatewayError 400 naming the field: whatever the item and tool parsers reject.
 */
export function toParsedResponses(request: ParsedResponsesRequest, body: unknown, resolved: ResolvedInput): ParsedResponses {
  const messages = convertInputItems(resolved.input, request.instructions ?? undefined, body, resolved.prior);
  if (messages.length === 0) throw invalidRequest("Invalid 'input': no message to answer.", 'input', 'empty_array');
  const { tools, customToolNames } = parseResponsesTools(request, body);
  const responseFormat = parseTextFormat(request);

  const chat: ChatRequest = {
    model: request.model,
    messages,
    ...(request.temperature == null ? {} : { temperature: request.temperature }),
    ...(request.top_p == null ? {} : { topP: request.top_p }),
    ...(request.max_output_tokens == null ? {} : { maxTokens: request.max_output_tokens }),
    stop: [],
    stream: request.stream ?? false,
    includeUsage: true,
    ...(tools === undefined ? {} : { tools }),
    ...(responseFormat === undefined ? {} : { responseFormat }),
  };
  const echo: ResponseEcho = {
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    temperature: request.temperature ?? null,
    top_p: request.top_p ?? null,
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    text: { format: request.text?.format ?? { type: 'text' } },
    store: request.store !== false,
    previous_response_id: request.previous_response_id ?? null,
    metadata: request.metadata ?? {},
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    truncation: request.truncation ?? 'disabled',
    user: request.user ?? null,
  };
  const input = typeof resolved.input === 'string' ? [{ type: 'message', role: 'user', content: resolved.input }] : resolved.input;
  return { chat, echo, customToolNames, store: echo.store, conversation: [...resolved.prior, ...input] };
}
