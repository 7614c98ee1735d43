import { convertZodIssue } from '@/lib/api/openai/convert-zod-issue';
import { invalidRequest } from '@/lib/errors/gateway-error';
import type { ChatRequest } from '@/lib/providers/chat-provider';
import { convertInputItems } from './convert-input-items';
import { parseResponsesTools } from './parse-responses-tools';
import { parseTextFormat } from './parse-text-format';
import type { ResponseEcho } from './response-types';
import { responsesRequestSchema } from './responses-request-schema';
import { storedResponsesNotSupported } from './stored-responses-error';

/** A parsed Responses request: what the pipeline runs, and what the answer needs besides. */
export interface ParsedResponses {
  chat: ChatRequest;
  /** The request fields the response object repeats. */
  echo: ResponseEcho;
  /** Tools whose calls are answered as `custom_tool_call` items. */
  customToolNames: ReadonlySet<string>;
}

/**
 * Validates a Responses request body (already JSON-parsed) into a ChatRequest, statelessly:
 * `instructions` and `input` → messages (convert-input-items.ts), `tools` / `tool_choice` /
 * `parallel_tool_calls` → tools (parse-responses-tools.ts), `text.format` → responseFormat,
 * `max_output_tokens` → maxTokens, `temperature`, `top_p`, `stream` (default false). The
 * Responses API has no stop sequences. Nothing is stored, so `store` is repeated in the answer
 * as false.
 *
 * @throws GatewayError 400 `invalid_request_error`, before any upstream call, naming the
 *   field: a non-object body, a missing or wrongly typed field, a `previous_response_id`
 *   (stored responses are not supported yet), and whatever the item and tool parsers reject.
 */
export function parseResponsesRequest(body: unknown): ParsedResponses {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
  }
  const result = responsesRequestSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw issue === undefined ? invalidRequest('The request body is invalid.', null, 'invalid_body') : convertZodIssue(issue, body);
  }
  const request = result.data;
  if (request.previous_response_id != null) throw storedResponsesNotSupported('previous_response_id');

  const messages = convertInputItems(request.input as string | Record<string, unknown>[], request.instructions ?? undefined, body);
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
    store: false,
    metadata: request.metadata ?? {},
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    truncation: request.truncation ?? 'disabled',
    user: request.user ?? null,
  };
  return { chat, echo, customToolNames };
}
