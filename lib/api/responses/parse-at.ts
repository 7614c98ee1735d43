import type { z } from 'zod';
import { convertZodIssue } from '@/lib/api/openai/convert-zod-issue';
import { invalidRequest } from '@/lib/errors/gateway-error';

/**
 * Validates one part of the body (an input item, a tool) against its own schema, reporting
 * the first issue with its full path from the body (`input[2].call_id`), so the client learns
 * which item is wrong; the item's schema is chosen by its `type` first.
 *
 * @throws GatewayError 400 `invalid_request_error` naming the field.
 */
export function parseAt<Schema extends z.ZodType>(schema: Schema, value: unknown, path: readonly PropertyKey[], body: unknown): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw invalidRequest('The request body is invalid.', null, 'invalid_body');
  throw convertZodIssue({ ...issue, path: [...path, ...issue.path] } as typeof issue, body);
}
