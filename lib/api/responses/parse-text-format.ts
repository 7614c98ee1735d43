import type { ResponseFormat } from '@/lib/providers/tool-request';
import type { ParsedResponsesRequest } from './responses-request-schema';

/** The name a `json_schema` format gets when the client gave none (only the prompt shows it). */
const DEFAULT_SCHEMA_NAME = 'response';

/**
 * `text.format` as the pipeline's ResponseFormat (docs/tool-calls.md "Structured output"):
 * `json_object`, and `json_schema` (flat in the Responses API: `name`, `schema`, `strict`);
 * `text` or absent → `undefined`, the request untouched.
 */
export function parseTextFormat(request: ParsedResponsesRequest): ResponseFormat | undefined {
  const format = request.text?.format;
  if (format == null) return undefined;
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema':
      return { type: 'json_schema', name: format.name ?? DEFAULT_SCHEMA_NAME, schema: format.schema, strict: format.strict ?? false };
  }
}
