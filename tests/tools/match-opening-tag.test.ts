import { describe, expect, it } from 'vitest';
import { openingTag } from '@/lib/tools/format-tool-calls';
import { matchOpeningTag, maxHeldBack } from '@/lib/tools/match-opening-tag';

describe('matchOpeningTag', () => {
  it.each([
    '<tool_calls trigger="xg7">',
    "<tool_calls trigger='xg7'>",
    '<TOOL_CALLS TRIGGER="XG7">',
    '<tool_calls trigger=xg7>',
    '<tool_calls trigger=xg7  >',
    '<tool_calls\ttrigger = xg7>',
  ])('reads %s as the tag', (tag) => {
    expect(matchOpeningTag(`ab${tag}rest`, 2, 'xg7')).toEqual({ kind: 'tag', end: 2 + tag.length });
  });

  it('reads every proper prefix of the tag as a possible start', () => {
    const tag = openingTag('xg7');
    for (let length = 1; length < tag.length; length += 1) {
      expect(matchOpeningTag(tag.slice(0, length), 0, 'xg7'), tag.slice(0, length)).toEqual({ kind: 'prefix' });
    }
  });

  it.each([
    ['another trigger', '<tool_calls trigger="xg8">'],
    ['a longer trigger', '<tool_calls trigger="xg77">'],
    ['no trigger', '<tool_calls>'],
    ['another attribute', '<tool_calls name="xg7">'],
    ['mismatched quotes', `<tool_calls trigger="xg7'>`],
    ['a similar tag', '<tool_call trigger="xg7">'],
    ['a longer tag name', '<tool_callsx trigger="xg7">'],
    ['longer than the tag as written', '<tool_calls   trigger = "xg7" >'],
  ])('does not read %s as the tag or its start', (_name, text) => {
    expect(matchOpeningTag(text, 0, 'xg7')).toEqual({ kind: 'none' });
  });

  it('never holds back as much as the tag', () => {
    expect(maxHeldBack('xg7')).toBe(openingTag('xg7').length - 1);
    const almost = '<tool_calls  trigger = "xg7';
    expect(almost.length).toBeGreaterThan(maxHeldBack('xg7'));
    expect(matchOpeningTag(almost, 0, 'xg7')).toEqual({ kind: 'none' });
  });
});
