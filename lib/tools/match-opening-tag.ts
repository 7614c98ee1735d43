import { openingTag } from './format-tool-calls';

/**
 * What the text at a `<` is, for the streaming detector: the whole opening tag, the start of
 * one (the next chunk could complete it), or neither.
 */
export type OpeningTagMatch = { kind: 'tag'; end: number } | { kind: 'prefix' } | { kind: 'none' };

/**
 * Matches the opening tag `<tool_calls trigger="TRIGGER">` at `from` (docs/tool-calls.md
 * "Detection while streaming"), tolerant of case, quote style (`"`, `'` or none) and
 * whitespace, but never longer than the tag as written: that length bounds what the detector
 * holds back, and a bound that depends on where the chunks were cut would make the same
 * answer read differently. `tag` only with the trigger: `<tool_calls>` alone is prose.
 */
export function matchOpeningTag(text: string, from: number, trigger: string): OpeningTagMatch {
  const limit = openingTag(trigger).length;
  const result = walkTag(text, from, trigger);
  if (result.kind === 'tag') return result.end - from <= limit ? result : { kind: 'none' };
  if (result.kind === 'prefix') return text.length - from < limit ? result : { kind: 'none' };
  return result;
}

/** The longest text the detector holds back while a tag may be starting. */
export function maxHeldBack(trigger: string): number {
  return openingTag(trigger).length - 1;
}

function walkTag(text: string, from: number, trigger: string): OpeningTagMatch {
  let position = from;
  const prefix: OpeningTagMatch = { kind: 'prefix' };
  const none: OpeningTagMatch = { kind: 'none' };
  const atEnd = (): boolean => position >= text.length;

  /** Matches `word` case-insensitively; false when the text differs, `'end'` when it ran out. */
  const literal = (word: string): boolean | 'end' => {
    for (const expected of word) {
      if (atEnd()) return 'end';
      if (text.charAt(position).toLowerCase() !== expected.toLowerCase()) return false;
      position += 1;
    }
    return true;
  };
  const spaces = (): number => {
    const start = position;
    while (!atEnd() && /\s/.test(text.charAt(position))) position += 1;
    return position - start;
  };

  const steps: Array<() => boolean | 'end'> = [
    () => literal('<tool_calls'),
    () => (spaces() > 0 ? true : atEnd() ? 'end' : false),
    () => literal('trigger'),
    () => (spaces(), true),
    () => literal('='),
    () => (spaces(), true),
  ];
  for (const step of steps) {
    const outcome = step();
    if (outcome === 'end' || (outcome === true && atEnd())) return prefix;
    if (outcome === false) return none;
  }
  const quote = text.charAt(position) === '"' || text.charAt(position) === "'" ? text.charAt(position) : '';
  position += quote.length;
  const rest: Array<() => boolean | 'end'> = [
    () => literal(trigger),
    () => literal(quote),
    () => (spaces(), true),
    () => literal('>'),
  ];
  for (const [index, step] of rest.entries()) {
    const outcome = step();
    if (outcome === 'end') return prefix;
    if (outcome === false) return none;
    if (atEnd() && index < rest.length - 1) return prefix;
  }
  return { kind: 'tag', end: position };
}
