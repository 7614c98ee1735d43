/**
 * Follows Markdown code through text read one character at a time, so the detector can tell a
 * real call from one shown as an example (docs/tool-calls.md "Detection while streaming"):
 *
 * - a fenced block opens at a line that starts (after spaces or tabs) with three or more
 *   backticks or tildes, and closes at a line that starts with at least as many of the same;
 * - inline code opens at a run of backticks elsewhere and closes at a run of the same length
 *   on the same line. An opening run never closed on its line still counts until the line
 *   ends: whether it will be closed is not known yet when the next character arrives, and a
 *   call written after a stray backtick on the same line is rare.
 *
 * Whether a position is in code depends only on the text before it, never on how that text
 * was cut into chunks.
 */
export function createCodeTracker() {
  let atLineStart = true;
  let fence: { character: string; length: number } | undefined;
  let inlineLength: number | undefined;
  let run: { character: string; length: number; atLineStart: boolean } | undefined;

  /** Decides what the run of backticks or tildes just ended does. */
  function settleRun(): void {
    if (run === undefined) return;
    const { character, length } = run;
    if (fence !== undefined) {
      if (run.atLineStart && character === fence.character && length >= fence.length) fence = undefined;
    } else if (inlineLength !== undefined) {
      if (character === '`' && length === inlineLength) inlineLength = undefined;
    } else if (run.atLineStart && length >= 3) {
      fence = { character, length };
    } else if (character === '`') {
      inlineLength = length;
    }
    run = undefined;
  }

  return {
    /**
     * Whether the next character, if it is not a backtick or tilde, is inside code. (A backtick
     * or tilde would continue a run that is still undecided.)
     */
    inCodeBefore(): boolean {
      settleRun();
      return fence !== undefined || inlineLength !== undefined;
    },
    /** Reads one character. */
    advance(character: string): void {
      if (character === '`' || character === '~') {
        if (run?.character === character) {
          run.length += 1;
        } else {
          settleRun();
          run = { character, length: 1, atLineStart };
        }
        atLineStart = false;
        return;
      }
      settleRun();
      if (character === '\n') {
        atLineStart = true;
        inlineLength = undefined;
      } else if (character !== ' ' && character !== '\t' && character !== '\r') {
        atLineStart = false;
      }
    },
  };
}

export type CodeTracker = ReturnType<typeof createCodeTracker>;
