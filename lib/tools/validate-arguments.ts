import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { JsonSchema } from '@/lib/providers/tool-request';
import { logEvent } from '@/lib/log/log-event';

/**
 * Checks a call's arguments against its tool's parameter schema (docs/tool-calls.md "Parsing"),
 * so a call the client's tool would reject becomes a problem the re-ask can name instead.
 *
 * - `$schema` 2020-12 → ajv's 2020 dialect; anything else → draft-07 (ajv's default).
 * - `strict: false` and no meta-schema check: clients send schemas with unknown keywords
 *   (`title` in odd places, vendor extensions) and old `$schema` URIs, and none of that is the
 *   model's fault. Formats are not checked (ajv knows none without ajv-formats): unknown ones
 *   are ignored rather than failing the call.
 * - A schema ajv cannot compile accepts anything (with a warning in the log): a client's broken
 *   schema must not make every call fail.
 *
 * Returns the problems, one short line each (`/city: must be string`); empty when valid.
 */
export function validateArguments(schema: JsonSchema, value: unknown, context: { toolName?: string } = {}): string[] {
  const validate = compiledValidator(schema, context.toolName);
  if (validate === ACCEPT_ANYTHING || validate(value)) return [];
  return describeErrors(validate.errors ?? []);
}

const ACCEPT_ANYTHING = 'accept-anything';

/**
 * Compiled validators by schema object. A request's schemas are objects of that request, so the
 * cache lives as long as the request does (a call validated again after a re-ask is not compiled
 * twice) and never holds another request's schema.
 */
const validators = new WeakMap<JsonSchema, ValidateFunction | typeof ACCEPT_ANYTHING>();

/**
 * The two compilers, created on first use. They keep nothing between compilations: every
 * schema is removed again right after it is compiled (ajv would otherwise hold each one in a
 * strong Map for the life of the process, and two schemas with the same `$id` would collide).
 */
let compilers: { draft07: Ajv; draft2020: Ajv2020 } | undefined;

function compilerFor(schema: JsonSchema): Ajv | Ajv2020 {
  const options = { strict: false, allErrors: true, validateSchema: false, validateFormats: false, addUsedSchema: false, logger: false as const };
  compilers ??= { draft07: new Ajv(options), draft2020: new Ajv2020(options) };
  const dialect = schema.$schema;
  return typeof dialect === 'string' && dialect.includes('2020-12') ? compilers.draft2020 : compilers.draft07;
}

function compiledValidator(schema: JsonSchema, toolName: string | undefined): ValidateFunction | typeof ACCEPT_ANYTHING {
  const cached = validators.get(schema);
  if (cached !== undefined) return cached;
  const compiler = compilerFor(schema);
  let validator: ValidateFunction | typeof ACCEPT_ANYTHING;
  try {
    validator = compiler.compile(schema);
  } catch (error) {
    logEvent('warn', 'tool_schema_not_compiled', {
      tool: toolName,
      error: error instanceof Error ? error.message : String(error),
    });
    validator = ACCEPT_ANYTHING;
  } finally {
    compiler.removeSchema(schema);
  }
  validators.set(schema, validator);
  return validator;
}

/** At most this many problems: enough for the model to fix its call, short enough to read. */
const MAX_PROBLEMS = 8;

function describeErrors(errors: readonly ErrorObject[]): string[] {
  const lines = new Set<string>();
  for (const error of errors) {
    lines.add(`${error.instancePath === '' ? '(root)' : error.instancePath}: ${error.message ?? error.keyword}${detailOf(error)}`);
    if (lines.size === MAX_PROBLEMS) break;
  }
  return [...lines];
}

/** What ajv's message leaves out and the model needs: which property, which values. */
function detailOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') return ` ('${params.additionalProperty}')`;
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) return ` (${params.allowedValues.map((allowed) => JSON.stringify(allowed)).join(', ')})`;
  if (error.keyword === 'const') return ` (${JSON.stringify(params.allowedValue)})`;
  return '';
}
