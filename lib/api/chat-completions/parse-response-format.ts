import type { ParsedChatRequest } from '@/lib/api/chat-completions/chat-request-schema';
import type { ResponseFormat } from '@/lib/providers/tool-request';

/** The name a `json_schema` format gets when the client gave none (only the prompt shows it). */
const DEFAULT_SCHEMA_NAME = 'response';

/**
 * `response_format` as the pipeline's ResponseFormat (docs/tool-calls.md "Structured output"):
 * `json_object` and `json_schema` (its schema, name and `strict`, default false); `text`,
 * null or absent → `undefined`, so a plain request stays untouched. The shape, including
 * the 400 for a `json_schema` without `schema`, is checked by the request schema.
 */
export function parseResponseFormat(request: ParsedChatRequest): ResponseFormat | undefined {
  const format = request.response_format;
  if (format == null) return undefined;
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema':
      return {
        type: 'json_schema',
        name: format.json_schema.name ?? DEFAULT_SCHEMA_NAME,
        schema: format.json_schema.schema,
        strict: format.json_schema.strict ?? false,
      };
  }
}
