/**
 * Makes every `data:` line an event of its own by ending it with a blank line.
 *
 * XIPU's completions stream is "lines of `data:<json>`" (docs/xipu-protocol.md "Endpoints"):
 * nothing promises a blank line between events, and a conformant SSE parser dispatches an
 * event only at a blank line — it would hold the whole answer until the body ends. This
 * step only re-frames text for the parser (an extra blank line is harmless: an event with
 * no data is not dispatched); the parsing stays the library's. Line ends `\n`, `\r\n`, `\r`.
 */
export function closeDataLines(): TransformStream<string, string> {
  /** The first characters of the current line, enough to tell whether it is a `data:` line. */
  let lineStart = '';
  let afterCarriageReturn = false;
  return new TransformStream<string, string>({
    transform(text, controller) {
      let output = '';
      for (const character of text) {
        // Line ends come out as LF: the LF of a CRLF was already written at its CR.
        if (character === '\n' && afterCarriageReturn) {
          afterCarriageReturn = false;
          continue;
        }
        afterCarriageReturn = character === '\r';
        if (character === '\n' || character === '\r') {
          output += lineStart.startsWith('data:') ? '\n\n' : '\n';
          lineStart = '';
          continue;
        }
        if (lineStart.length < 5) lineStart += character;
        output += character;
      }
      controller.enqueue(output);
    },
  });
}
