import { describe, expect, it } from 'vitest';
import { createCodeTracker } from '@/lib/tools/track-markdown-code';

/** For each `<` in `text`, whether it is in code. */
function codeAtMarkers(text: string): boolean[] {
  const tracker = createCodeTracker();
  const found: boolean[] = [];
  for (const character of text) {
    if (character === '<') found.push(tracker.inCodeBefore());
    tracker.advance(character);
  }
  return found;
}

describe('createCodeTracker', () => {
  it.each<[name: string, text: string, inCode: boolean[]]>([
    ['plain text', 'a < b', [false]],
    ['inline code', 'see `<` and < here', [true, false]],
    ['double-backtick inline code', 'see ``a ` <`` and <', [true, false]],
    ['an unclosed backtick lasts to the end of its line', 'a ` <\n<', [true, false]],
    ['a backtick fence', 'x\n```xml\n<\n```\n<', [true, false]],
    ['an indented tilde fence', 'x\n  ~~~\n<\n  ~~~\n<', [true, false]],
    ['a shorter fence does not close a longer one', '````\n<\n```\n<\n````\n<', [true, true, false]],
    ['backticks mid-line do not open a fence', 'text ```<``` then <', [true, false]],
    ['a tilde fence is not closed by backticks', '~~~\n<\n```\n<\n~~~\n<', [true, true, false]],
    ['a fence at the very start', '```\n<\n```\n<', [true, false]],
  ])('%s', (_name, text, inCode) => {
    expect(codeAtMarkers(text)).toEqual(inCode);
  });
});
