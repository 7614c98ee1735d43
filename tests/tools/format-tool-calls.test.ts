import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatToolCallBlock, INVOKE_CLOSING_TAG, invokeOpeningTag, openingTag, TOOL_CALLS_CLOSING_TAG } from '@/lib/tools/format-tool-calls';

/** The example block of docs/tool-calls.md "The text format", as the doc shows it. */
function documentedBlock(): string {
  const doc = readFileSync(new URL('../../docs/tool-calls.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## The text format'));
  const fenced = /```\n([\s\S]*?)\n```/.exec(section);
  if (fenced?.[1] === undefined) throw new Error('docs/tool-calls.md "The text format" has no example block');
  return fenced[1];
}

describe('formatToolCallBlock', () => {
  it('writes exactly the block of docs/tool-calls.md "The text format"', () => {
    const block = formatToolCallBlock(
      [
        { name: 'get_weather', arguments: '{"city": "Paris", "unit": "celsius"}' },
        { name: 'get_time', arguments: '{"zone": "Europe/Paris"}' },
      ],
      'xg7',
    );
    expect(block).toBe(documentedBlock().replace('TRIGGER', 'xg7'));
  });

  it('builds the block from the exported tags', () => {
    const block = formatToolCallBlock([{ name: 'f', arguments: '{"a":1}' }], 'T1');
    expect(block).toBe(`${openingTag('T1')}\n${invokeOpeningTag('f')}\n{"a":1}\n${INVOKE_CLOSING_TAG}\n${TOOL_CALLS_CLOSING_TAG}`);
    expect(openingTag('T1')).toBe('<tool_calls trigger="T1">');
  });

  it('writes empty arguments as {}', () => {
    expect(formatToolCallBlock([{ name: 'f', arguments: '  ' }], 'x')).toContain('<invoke name="f">\n{}\n</invoke>');
  });

  it('writes a block without calls as the two tags', () => {
    expect(formatToolCallBlock([], 'x')).toBe('<tool_calls trigger="x">\n</tool_calls>');
  });
});
