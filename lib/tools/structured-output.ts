import type { ValidateFunction } from 'ajv';
import { GatewayError, invalidRequest } from '@/lib/errors/gateway-error';
import type { JsonSchema, ResponseFormat } from '@/lib/providers/tool-request';
import { compileJsonSchema, describeSchemaErrors } from './compile-json-schema';

/**
 * `response_format` on an upstream that only writes text (docs/tool-calls.md "Structured
 * output"): the held answer's JSON is found, parsed leniently, checked against the format, and
 * sent normalised, so the content a client receives always parses (and validates).
 */

/** The lenient parser of `./repair-json.ts` (`parseJsonLeniently`), injected. */
export type LenientJsonParser = (text: string) => { ok: true; value: unknown } | { ok: false; error: string };

/** The verdict on one answer: its JSON as one compact line, or what was wrong (for the re-ask). */
export type JsonAnswerVerdict = { ok: true; json: string } | { ok: false; problem: string };

export type JsonAnswerCheck = (answer: string) => JsonAnswerVerdict;

/**
 * The checker for one request's `response_format`. Compiles a `json_schema` format's schema
 * now, before any upstream call, so a schema ajv cannot read is the client's 400
 * (`response_format.json_schema.schema`) rather than a failed answer later.
 *
 * @throws GatewayError 400 `invalid_request_error` when the schema does not compile.
 */
export function createJsonAnswerCheck(format: ResponseFormat, parseJson: LenientJsonParser): JsonAnswerCheck {
  const validate = format.type === 'json_schema' ? compileResponseSchema(format.schema) : undefined;
  return (answer) => {
    const parsed = parseFirstJson(jsonCandidates(answer, format.type === 'json_object'), parseJson);
    if (!parsed.ok) return { ok: false, problem: `the answer is not valid JSON (${parsed.error})` };
    const value = parsed.value;
    if (validate === undefined) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return { ok: false, problem: 'the answer is not a JSON object' };
      }
    } else if (!validate(value)) {
      return { ok: false, problem: `the JSON does not match the schema: ${describeSchemaErrors(validate.errors).join('; ') || 'it is invalid'}` };
    }
    return { ok: true, json: JSON.stringify(value) };
  };
}

/**
 * The 502 of an answer that was not the JSON asked for, even after the one re-ask. Not
 * retryable (`x-should-retry: false`): the gateway has already asked again once, and an SDK's
 * own retries of a 5xx would each cost two more upstream chats of a paced account.
 */
export function invalidJsonError(problem: string): GatewayError {
  return new GatewayError(`The model did not answer with the JSON response_format asks for: ${problem}.`, {
    status: 502,
    type: 'upstream_error',
    code: 'upstream_invalid_json',
    retryable: false,
  });
}

/**
 * Where the JSON in an answer may be, most likely first: the inside of its first code fence
 * (else the whole answer), itself when it starts with `{` or `[`, then the outermost `{…}` and
 * `[…]` spans, earliest first (only `{…}` when an object is required). Prose that mentions a
 * bracket ("[see below]") gives a span that fails to parse, and the next one is tried.
 */
export function jsonCandidates(answer: string, objectOnly: boolean): string[] {
  const fenced = /(?:^|\n)[ \t]*(```|~~~)[^\n]*\n([\s\S]*?)(?:\n[ \t]*\1|$)/.exec(answer);
  const body = (fenced?.[2] ?? answer).trim();
  const pairs = objectOnly ? [['{', '}']] : [['{', '}'], ['[', ']']];
  const spans = pairs
    .map(([open, close]) => ({ start: body.indexOf(open!), end: body.lastIndexOf(close!) }))
    .filter((span) => span.start >= 0 && span.end > span.start)
    .sort((a, b) => a.start - b.start)
    .map((span) => body.slice(span.start, span.end + 1));
  const startsAsJson = /^[[{]/.test(body);
  const candidates = startsAsJson ? [body, ...spans] : spans.length > 0 ? spans : [body];
  return [...new Set(candidates)];
}

function parseFirstJson(candidates: string[], parseJson: LenientJsonParser): ReturnType<LenientJsonParser> {
  let firstFailure: ReturnType<LenientJsonParser> | undefined;
  for (const candidate of candidates) {
    const parsed = parseJson(candidate);
    if (parsed.ok) return parsed;
    firstFailure ??= parsed;
  }
  return firstFailure ?? { ok: false, error: 'the answer is empty' };
}

function compileResponseSchema(schema: JsonSchema): ValidateFunction {
  const compiled = compileJsonSchema(schema);
  if (!compiled.ok) {
    throw invalidRequest(`response_format.json_schema.schema is not a usable JSON Schema: ${compiled.error}`, 'response_format.json_schema.schema');
  }
  return compiled.validate;
}
