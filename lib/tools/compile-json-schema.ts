import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2019 from 'ajv/dist/2019';
import Ajv2020 from 'ajv/dist/2020';
import type { JsonSchema } from '@/lib/providers/tool-request';

/** A schema compiled for checking values, or why ajv could not read it. */
export type CompiledSchema = { ok: true; validate: ValidateFunction } | { ok: false; error: string };

/**
 * Compiled schemas by schema object. A request's schemas are objects of that request, so an
 * entry lives as long as the request does (a value checked again after the re-ask is not
 * compiled twice) and never serves another request.
 */
const compiled = new WeakMap<JsonSchema, CompiledSchema>();

/**
 * The one way the gateway reads a client's JSON Schema (tool parameters, `response_format`):
 * draft 2020-12 and 2019-09 by their `$schema`, everything else as draft-07 (an older draft's
 * `$schema` dropped: ajv knows no meta-schema for it). `strict: false` and no meta-schema or
 * format checks: clients send keywords and formats ajv does not know, and those are ignored,
 * not refused. One ajv instance per schema, so a client's `$id` never meets another's.
 */
export function compileJsonSchema(schema: JsonSchema): CompiledSchema {
  const cached = compiled.get(schema);
  if (cached !== undefined) return cached;
  let result: CompiledSchema;
  try {
    result = { ok: true, validate: compilerFor(schema).compile(withoutOlderDialect(schema)) };
  } catch (error) {
    result = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  compiled.set(schema, result);
  return result;
}

/** At most this many problems: enough for the model to fix its answer, short enough to read. */
const MAX_PROBLEMS = 8;

/** ajv's errors as short lines (`/city: must be string`), for a re-ask or an error message. */
export function describeSchemaErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  const lines = new Set<string>();
  for (const error of errors ?? []) {
    lines.add(`${error.instancePath === '' ? '(root)' : error.instancePath}: ${error.message ?? error.keyword}${detailOf(error)}`);
    if (lines.size === MAX_PROBLEMS) break;
  }
  return [...lines];
}

function compilerFor(schema: JsonSchema): Ajv | Ajv2019 | Ajv2020 {
  const options = { strict: false, allErrors: true, validateSchema: false, validateFormats: false, logger: false as const };
  const dialect = dialectOf(schema);
  if (dialect.includes('2020-12')) return new Ajv2020(options);
  if (dialect.includes('2019-09')) return new Ajv2019(options);
  return new Ajv(options);
}

function dialectOf(schema: JsonSchema): string {
  return typeof schema.$schema === 'string' ? schema.$schema : '';
}

function withoutOlderDialect(schema: JsonSchema): JsonSchema {
  const dialect = dialectOf(schema);
  if (dialect === '' || /2020-12|2019-09|draft-07/.test(dialect)) return schema;
  const { $schema: _olderDraft, ...rest } = schema;
  return rest;
}

/** What ajv's message leaves out and the model needs: which property, which values. */
function detailOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') return ` ('${params.additionalProperty}')`;
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) return ` (${params.allowedValues.map((allowed) => JSON.stringify(allowed)).join(', ')})`;
  if (error.keyword === 'const') return ` (${JSON.stringify(params.allowedValue)})`;
  return '';
}
