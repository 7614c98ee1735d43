import AjvCore from 'ajv/dist/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateArguments } from '@/lib/tools/validate-arguments';

afterEach(() => {
  vi.restoreAllMocks();
});

const weather = {
  type: 'object',
  properties: { city: { type: 'string' }, unit: { enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer', minimum: 1 } },
  required: ['city'],
  additionalProperties: false,
};

describe('validateArguments', () => {
  it('accepts valid arguments', () => {
    expect(validateArguments(weather, { city: 'Paris', unit: 'celsius', days: 2 })).toEqual([]);
  });

  it('names every problem, one short line each', () => {
    expect(validateArguments(weather, { city: 7, unit: 'kelvin', days: 0, country: 'FR' })).toEqual([
      "(root): must NOT have additional properties ('country')",
      '/city: must be string',
      '/unit: must be equal to one of the allowed values ("celsius", "fahrenheit")',
      '/days: must be >= 1',
    ]);
    expect(validateArguments(weather, {})).toEqual(["(root): must have required property 'city'"]);
  });

  it('reads draft 2020-12 schemas with the 2020 dialect', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { point: { type: 'array', prefixItems: [{ type: 'number' }, { type: 'number' }], items: false }, tag: { $ref: '#/$defs/tag' } },
      $defs: { tag: { type: 'string', maxLength: 3 } },
    };
    expect(validateArguments(schema, { point: [1, 2], tag: 'abc' })).toEqual([]);
    expect(validateArguments(schema, { point: [1, 'x', 3], tag: 'abcd' }).sort()).toEqual([
      '/point/1: must be number',
      '/point: must NOT have more than 2 items',
      '/tag: must NOT have more than 3 characters',
    ]);
  });

  it('reads draft-07 schemas (and unknown $schema URIs) with the draft-07 dialect', () => {
    const schema = {
      $schema: 'http://json-schema.org/draft-04/schema#',
      type: 'object',
      properties: { list: { type: 'array', items: [{ type: 'string' }], additionalItems: false } },
      definitions: { n: { type: 'number' } },
      dependencies: { a: ['b'] },
    };
    expect(validateArguments(schema, { list: ['x'] })).toEqual([]);
    expect(validateArguments(schema, { list: ['x', 'y'], a: 1 }).sort()).toEqual([
      '(root): must have property b when property a is present',
      '/list: must NOT have more than 1 items',
    ]);
  });

  it('ignores formats and unknown keywords', () => {
    const schema = { type: 'object', properties: { url: { type: 'string', format: 'uri' }, when: { type: 'string', format: 'made-up' } }, 'x-vendor': true };
    expect(validateArguments(schema, { url: 'not a uri', when: 'whenever' })).toEqual([]);
    expect(validateArguments(schema, { url: 5 })).toEqual(['/url: must be string']);
  });

  it('accepts anything for a schema ajv cannot compile, and logs a warning once per schema', () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const broken = { type: 'object', properties: { a: { type: 'strng' } } };
    expect(validateArguments(broken, { a: 1 }, { toolName: 'odd_tool' })).toEqual([]);
    expect(validateArguments(broken, { a: 2 }, { toolName: 'odd_tool' })).toEqual([]);
    expect(logged).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(logged.mock.calls[0]?.[0])) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'warn', event: 'tool_schema_not_compiled', tool: 'odd_tool' });
    expect(String(line.error)).toContain('strng');
  });

  it('compiles a schema object once, and each schema object on its own', () => {
    const compile = vi.spyOn(AjvCore.prototype, 'compile');
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    validateArguments(schema, { a: 'x' });
    validateArguments(schema, { a: 1 });
    expect(compile).toHaveBeenCalledTimes(1);
    validateArguments(structuredClone(schema), { a: 'x' });
    expect(compile).toHaveBeenCalledTimes(2);
  });

  it('keeps no schema between compilations: two requests may send schemas with the same $id', () => {
    const first = { $id: 'https://example.com/args', type: 'object', properties: { a: { type: 'string' } } };
    const second = { $id: 'https://example.com/args', type: 'object', properties: { a: { type: 'number' } } };
    expect(validateArguments(first, { a: 1 })).toEqual(['/a: must be string']);
    expect(validateArguments(second, { a: 'x' })).toEqual(['/a: must be number']);
  });
});
