import { describe, expect, it } from 'vitest';
import { compileJsonSchema, describeSchemaErrors } from '@/lib/tools/compile-json-schema';

describe('compileJsonSchema', () => {
  it('reads draft-07, 2019-09 and 2020-12 schemas, and an older draft as draft-07', () => {
    const base = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    for (const $schema of [undefined, 'http://json-schema.org/draft-07/schema#', 'https://json-schema.org/draft/2019-09/schema', 'https://json-schema.org/draft/2020-12/schema', 'http://json-schema.org/draft-04/schema#']) {
      const compiled = compileJsonSchema($schema === undefined ? { ...base } : { ...base, $schema });
      expect(compiled.ok, String($schema)).toBe(true);
      if (!compiled.ok) continue;
      expect(compiled.validate({ city: 'Paris' })).toBe(true);
      expect(compiled.validate({ city: 7 })).toBe(false);
    }
  });

  it('ignores unknown keywords and formats, and says why a schema cannot be read', () => {
    const lenient = compileJsonSchema({ type: 'string', format: 'made-up', 'x-vendor': true });
    expect(lenient.ok && lenient.validate('anything')).toBe(true);
    expect(compileJsonSchema({ type: 'object', properties: { a: { $ref: '#/nowhere' } } })).toMatchObject({ ok: false, error: expect.stringContaining('nowhere') });
  });

  it('lets two schemas with the same $id live side by side (one compiler each)', () => {
    const first = compileJsonSchema({ $id: 'https://example.test/s', type: 'string' });
    const second = compileJsonSchema({ $id: 'https://example.test/s', type: 'number' });
    expect(first.ok && first.validate('a')).toBe(true);
    expect(second.ok && second.validate(1)).toBe(true);
  });

  it('describes errors as short lines with the detail the model needs', () => {
    const compiled = compileJsonSchema({ type: 'object', properties: { unit: { enum: ['c', 'f'] } }, additionalProperties: false });
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    compiled.validate({ unit: 'k', extra: 1 });
    expect(describeSchemaErrors(compiled.validate.errors)).toEqual(expect.arrayContaining(["(root): must NOT have additional properties ('extra')", '/unit: must be equal to one of the allowed values ("c", "f")']));
  });
});
