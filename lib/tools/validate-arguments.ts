import type { JsonSchema } from '@/lib/providers/tool-request';
import { logEvent } from '@/lib/log/log-event';
import { compileJsonSchema, describeSchemaErrors } from './compile-json-schema';

/**
 * Checks a call's arguments against its tool's parameter schema (docs/tool-calls.md "Parsing"),
 * so a call the client's tool would reject becomes a problem the re-ask can name instead.
 *
 * - The schema is read as every client schema is (./compile-json-schema.ts): unknown keywords,
 *   formats and old `$schema` URIs are ignored, none of that being the model's fault.
 * - A schema ajv cannot compile accepts anything (with a warning in the log): a client's broken
 *   schema must not make every call fail.
 *
 * Returns the problems, one short line each (`/city: must be string`); empty when valid.
 */
export function validateArguments(schema: JsonSchema, value: unknown, context: { toolName?: string } = {}): string[] {
  const compiled = compileJsonSchema(schema);
  if (!compiled.ok) {
    if (!warned.has(schema)) logEvent('warn', 'tool_schema_not_compiled', { tool: context.toolName, error: compiled.error });
    warned.add(schema);
    return [];
  }
  return compiled.validate(value) ? [] : describeSchemaErrors(compiled.validate.errors);
}

/** Schemas already reported as unreadable: one warning per schema (per request), not per call. */
const warned = new WeakSet<JsonSchema>();
