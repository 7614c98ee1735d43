/**
 * Piece sizes in code points, cycled. Sizes 1–4 make `<think>` tags, Chinese characters and
 * words land across piece boundaries, as real streams do.
 */
const PIECE_SIZES = [2, 1, 4, 3, 1, 3, 2, 4, 1] as const;

/**
 * Cuts text into stream pieces of 1–4 code points each, never splitting a surrogate pair.
 * Deterministic: the same text and offset give the same pieces.
 *
 * @param offset where to start in the size pattern (the session id varies it per session).
 */
export function splitIntoPieces(text: string, offset = 0): string[] {
  const codePoints = Array.from(text);
  const pieces: string[] = [];
  let position = 0;
  let step = Math.abs(Math.trunc(offset));
  while (position < codePoints.length) {
    const size = PIECE_SIZES[step % PIECE_SIZES.length] ?? 1;
    pieces.push(codePoints.slice(position, position + size).join(''));
    position += size;
    step += 1;
  }
  return pieces;
}
