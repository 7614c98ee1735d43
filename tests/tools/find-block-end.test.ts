import { describe, expect, it } from 'vitest';
import { findBlockEnd } from '@/lib/tools/find-block-end';
import { formatToolCallBlock } from '@/lib/tools/format-tool-calls';
import { parseToolCallBlock } from '@/lib/tools/parse-tool-calls';
import { TOOLS, TRIGGER } from './fixtures/tools';

const twoCalls = formatToolCallBlock(
  [
    { name: 'get_time', arguments: '{"zone":"UTC"}' },
    { name: 'get_weather', arguments: '{"city":"Oslo"}' },
  ],
  TRIGGER,
);

/** Searches the whole of `block`. */
function endOf(block: string, options: { parallel: boolean; maxBlockChars?: number }) {
  return findBlockEnd(block, {
    tailStart: 0,
    parallel: options.parallel,
    maxBlockChars: options.maxBlockChars ?? 10_000,
    parse: (end) => parseToolCallBlock(block.slice(0, end), TOOLS),
  });
}

describe('findBlockEnd', () => {
  it('ends a parallel block at </tool_calls>, not at an </invoke>', () => {
    const end = endOf(`${twoCalls}\ninvented`, { parallel: true });
    expect(end).toMatchObject({ kind: 'closed', end: twoCalls.length });
    expect(end.kind === 'closed' && end.parsed.calls.map((call) => call.name)).toEqual(['get_time', 'get_weather']);
  });

  it('ends a single-call block at the first </invoke> after a valid call', () => {
    expect(endOf(twoCalls, { parallel: false })).toMatchObject({ kind: 'closed', end: twoCalls.indexOf('</invoke>') + '</invoke>'.length });
    const invalidFirst = twoCalls.replace('"zone"', '"zones"');
    const second = invalidFirst.indexOf('</invoke>', invalidFirst.indexOf('</invoke>') + 1) + '</invoke>'.length;
    expect(endOf(invalidFirst, { parallel: false })).toMatchObject({ kind: 'closed', end: second });
  });

  it('keeps only a possible start of a closing tag, and finds the tag once it is complete', () => {
    const partial = twoCalls.slice(0, twoCalls.length - 5);
    const open = endOf(partial, { parallel: true });
    if (open.kind !== 'open') return expect.fail(`expected open, got ${open.kind}`);
    expect(open.keepFrom).toBeGreaterThan(twoCalls.indexOf('</invoke>'));
    expect(open.keepFrom).toBeLessThanOrEqual(partial.lastIndexOf('</tool_c'));
    const kept = partial.slice(open.keepFrom) + twoCalls.slice(partial.length);
    const closed = findBlockEnd(kept, {
      tailStart: open.keepFrom,
      parallel: true,
      maxBlockChars: 10_000,
      parse: (end) => parseToolCallBlock(twoCalls.slice(0, end), TOOLS),
    });
    expect(closed).toMatchObject({ kind: 'closed', end: twoCalls.length });
  });

  it('with parallel false, does not search an invalid call again', () => {
    const invalidFirst = twoCalls.replace('"zone"', '"zones"');
    const firstEnd = invalidFirst.indexOf('</invoke>') + '</invoke>'.length;
    const cut = firstEnd + 4;
    // Without the invalid call, the kept text would reach back a closing tag's length.
    expect(cut - 20).toBeLessThan(firstEnd);
    expect(endOf(invalidFirst.slice(0, cut), { parallel: false })).toEqual({ kind: 'open', keepFrom: firstEnd });
  });

  it('finds closing tags with a little whitespace', () => {
    const spaced = twoCalls.replace('</tool_calls>', '</ tool_calls >');
    expect(endOf(spaced, { parallel: true })).toMatchObject({ kind: 'closed', end: spaced.length });
  });

  it('is too large when the end lies past maxBlockChars, or there is none within it', () => {
    expect(endOf(twoCalls, { parallel: true, maxBlockChars: twoCalls.length - 1 })).toEqual({ kind: 'too-large' });
    expect(endOf(twoCalls, { parallel: true, maxBlockChars: twoCalls.length }).kind).toBe('closed');
    expect(endOf(twoCalls.slice(0, -1), { parallel: true, maxBlockChars: 20 })).toEqual({ kind: 'too-large' });
  });
});
