/** The marker the site appends to some answers (docs/aichats.md "The answer"). */
export const TRY_LIMIT_MARKER = ' trylimit';

/**
 * The answer as the site streams it: one `data: <piece>` line per word (with its leading
 * space), newlines written as the two characters `\n`, and, with `tryLimit`, the marker
 * appended split across two lines (` try`, `limit`) — the hardest case for a client, which the
 * seed's line-by-line replace missed. Each line is followed by a blank line (SSE framing).
 */
export function encodeAichatsAnswer(text: string, options: { tryLimit: boolean }): string[] {
  const escaped = text.replaceAll('\n', '\\n');
  const pieces: string[] = escaped.match(/\s*\S+/g) ?? [];
  if (options.tryLimit) pieces.push(TRY_LIMIT_MARKER.slice(0, 4), TRY_LIMIT_MARKER.slice(4));
  return pieces.map((piece) => `data: ${piece}\n\n`);
}
