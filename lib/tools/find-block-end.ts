import type { ParsedToolCalls } from './parse-tool-calls';

/**
 * Where a block that is being buffered ends (docs/tool-calls.md "Detection while streaming"):
 *
 * - `closed`: at its `</tool_calls>`, or with `parallel: false` at the first `</invoke>` after
 *   which the block holds a valid call (so one invalid call does not end it early);
 * - `open`: no end yet; keep the block's text from `keepFrom` on for the next search;
 * - `too-large`: no end within the first `maxBlockChars` characters; the block is text.
 *
 * The answer is the same however the block's text was cut into chunks. Offsets count from the
 * block's start.
 */
export type BlockEnd =
  | { kind: 'closed'; end: number; parsed: ParsedToolCalls }
  | { kind: 'open'; keepFrom: number }
  | { kind: 'too-large' };

/** The closing tags, with a little whitespace allowed (bounded, so a tag split over chunks is found). */
const CLOSING_TAGS = /<\/[^\S\n]{0,4}(invoke|tool_calls)[^\S\n]{0,4}>/gi;
/** The longest text CLOSING_TAGS matches. */
const LONGEST_CLOSING_TAG = '</'.length + 4 + 'tool_calls'.length + 4 + '>'.length;

/**
 * Searches `tail`, the block's text from offset `tailStart` to its current end; the caller
 * keeps only what `open` says to keep, so buffering a large block in small chunks stays linear
 * (the whole block is assembled only at a candidate end, for `parse(end)`).
 */
export function findBlockEnd(
  tail: string,
  options: { tailStart: number; parallel: boolean; maxBlockChars: number; parse: (end: number) => ParsedToolCalls },
): BlockEnd {
  const pattern = new RegExp(CLOSING_TAGS.source, CLOSING_TAGS.flags);
  let keepFrom = options.tailStart;
  for (let match = pattern.exec(tail); match !== null; match = pattern.exec(tail)) {
    const end = options.tailStart + match.index + match[0].length;
    if (end > options.maxBlockChars) return { kind: 'too-large' };
    const isInvoke = match[1]?.toLowerCase() === 'invoke';
    if (isInvoke && options.parallel) continue;
    const parsed = options.parse(end);
    if (!isInvoke || parsed.calls.length > 0) return { kind: 'closed', end, parsed };
    keepFrom = end;
  }
  const length = options.tailStart + tail.length;
  if (length > options.maxBlockChars) return { kind: 'too-large' };
  return { kind: 'open', keepFrom: Math.max(keepFrom, length - LONGEST_CLOSING_TAG + 1) };
}
