import type { z } from 'zod';
import { invalidRequest, type GatewayError } from '@/lib/errors/gateway-error';
import { renderParamPath } from '@/lib/api/openai/render-param-path';

type Issue = z.core.$ZodIssue;

/**
 * Turns the first validation issue of a request body into a 400 `invalid_request_error`
 * that a person can act on, worded like OpenAI's own errors: `param` is the rendered path
 * (`messages[0].content`) and `code` is one of `missing_required_parameter`, `invalid_type`,
 * `empty_array`, `empty_string`, `invalid_value`.
 *
 * For a union (e.g. `content`: string or array of parts) the issue of the branch that got
 * furthest into the value is reported, so a bad part names `messages[0].content[1].type`
 * rather than just "invalid content".
 */
export function convertZodIssue(issue: Issue, body: unknown): GatewayError {
  const resolved = resolveUnionIssue(issue, []);
  const path = [...resolved.prefix, ...resolved.issue.path];
  const param = renderParamPath(path);
  const value = valueAtPath(body, path);
  const current = resolved.issue;

  switch (current.code) {
    case 'invalid_type': {
      if (value === undefined) {
        return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
      }
      const expected = resolved.alternatives.length > 0 ? resolved.alternatives : [current.expected];
      return invalidRequest(
        `Invalid type for '${param}': expected ${joinAlternatives(expected.map(describeExpected))}, but got ${describeValue(value)}.`,
        param,
        'invalid_type',
      );
    }
    case 'too_small':
      if (current.origin === 'array') {
        return invalidRequest(`Invalid '${param}': empty array. Expected at least ${String(current.minimum)} item.`, param, 'empty_array');
      }
      if (current.origin === 'string') {
        return invalidRequest(`Invalid '${param}': empty string. Expected a non-empty string.`, param, 'empty_string');
      }
      return invalidRequest(
        `Invalid '${param}': ${JSON.stringify(value)} is too small; expected a number ${current.inclusive ? '>=' : '>'} ${String(current.minimum)}.`,
        param,
        'invalid_value',
      );
    case 'too_big':
      return invalidRequest(
        `Invalid '${param}': ${JSON.stringify(value)} is too large; expected a number ${current.inclusive ? '<=' : '<'} ${String(current.maximum)}.`,
        param,
        'invalid_value',
      );
    case 'invalid_value':
      return invalidRequest(
        `Invalid value for '${param}': ${JSON.stringify(value)}. Supported values are: ${current.values.map((option) => JSON.stringify(option)).join(', ')}.`,
        param,
        'invalid_value',
      );
    default:
      return invalidRequest(`Invalid '${param}': ${current.message}.`, param, 'invalid_value');
  }
}

interface ResolvedIssue {
  issue: Issue;
  /** Path of the enclosing union issues, which nested issue paths are relative to. */
  prefix: PropertyKey[];
  /** When every union branch rejected the value's type: what each branch expected. */
  alternatives: string[];
}

function resolveUnionIssue(issue: Issue, prefix: PropertyKey[]): ResolvedIssue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, prefix, alternatives: [] };
  const unionPrefix = [...prefix, ...issue.path];
  // A branch whose first issue lies below the union matched the value's shape: report it.
  const deeper = issue.errors.find((branch) => (branch[0]?.path.length ?? 0) > 0)?.[0];
  if (deeper !== undefined) return resolveUnionIssue(deeper, unionPrefix);
  const firsts = issue.errors.map((branch) => branch[0]).filter((first) => first !== undefined);
  const alternatives = firsts.flatMap((first) => (first.code === 'invalid_type' ? [first.expected] : []));
  const first = firsts[0];
  if (first === undefined) return { issue, prefix, alternatives: [] };
  return { issue: first, prefix: unionPrefix, alternatives };
}

function valueAtPath(body: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = body;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'array':
    case 'object':
      return `an ${expected}`;
    case 'null':
      return 'null';
    default:
      return `a ${expected}`;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isInteger(value)) return `a decimal (${String(value)})`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function joinAlternatives(alternatives: readonly string[]): string {
  const unique = [...new Set(alternatives)];
  if (unique.length <= 1) return unique[0] ?? 'another type';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1] ?? ''}`;
}
