/**
 * What ai-chats.org appends to some answers (a marker of its free-use limit, not part of the
 * answer): the seed removed every occurrence — docs/aichats.md "The answer".
 */
export const TRY_LIMIT_MARKER = ' trylimit';

/** The site writes a newline inside a piece as these two characters (seed: `replace(/\\n/g, '\n')`). */
const ESCAPED_NEWLINE = '\\n';

/**
 * Cleans the answer's text pieces as they stream: every `\n` escape becomes a newline and
 * every ` trylimit` marker is removed, also when the site splits either across two pieces.
 * To do that it holds back the end of the text that could still become one (a trailing
 * backslash, or a tail that is the start of the marker, at most 8 characters) until the next
 * piece or `end()` decides. Nothing else is changed: pieces joined in and out are the same
 * text but for those two rules.
 */
export function createAnswerCleaner(): { push(raw: string): string; end(): string } {
  /** A trailing backslash of the raw text: it may start an escape the next piece ends. */
  let heldRaw = '';
  /** Cleaned text that may be the start of the marker. */
  let heldText = '';
  const clean = (raw: string, final: boolean): string => {
    let rawText = heldRaw + raw;
    heldRaw = '';
    if (!final && rawText.endsWith('\\')) {
      heldRaw = '\\';
      rawText = rawText.slice(0, -1);
    }
    const text = (heldText + rawText.replaceAll(ESCAPED_NEWLINE, '\n')).replaceAll(TRY_LIMIT_MARKER, '');
    const held = final ? 0 : markerStartLength(text);
    heldText = text.slice(text.length - held);
    return text.slice(0, text.length - held);
  };
  return { push: (raw) => clean(raw, false), end: () => clean('', true) };
}

/** The length of the longest end of `text` that is a proper start of the marker (0 for none). */
function markerStartLength(text: string): number {
  for (let length = Math.min(TRY_LIMIT_MARKER.length - 1, text.length); length > 0; length -= 1) {
    if (text.endsWith(TRY_LIMIT_MARKER.slice(0, length))) return length;
  }
  return 0;
}
