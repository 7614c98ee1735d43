import type { z } from 'zod';
import { invalidRequest } from '@/lib/errors/gateway-error';
import { convertZodIssue } from './convert-zod-issue';

/**
 * Validates an OpenAI-shaped request body (already JSON-parsed) against its schema, so every
 * such API refuses a bad body in the same words: a body that is no JSON object, or the first
 * schema issue with OpenAI's parameter name (convertZodIssue).
 *
 * @throws GatewayError 400 `invalid_request_error`: `invalid_body` for a non-object, else the
 *   converted issue.
 */
export function parseRequestBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest('The request body must be a JSON object.', null, 'invalid_body');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const firstIssue = result.error.issues[0];
  throw firstIssue === undefined ? invalidRequest('The request body is invalid.', null, 'invalid_body') : convertZodIssue(firstIssue, body);
}
