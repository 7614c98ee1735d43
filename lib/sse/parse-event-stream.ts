import type { EventSourceMessage } from 'eventsource-parser';
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { closeDataLines } from './close-data-lines';

/**
 * An SSE event ends at a blank line. EventSourceParserStream has no flush step, so an event
 * whose final blank line never arrives would be dropped at the end of the body; this is
 * appended once the body ends so the last event is still dispatched. (The XIPU stream format is
 * "lines of `data:<json>`" — docs/xipu-protocol "Endpoints" — and nothing promises a final
 * blank line.)
 */
const END_OF_EVENT = '\n\n';

/**
 * Decodes an SSE body in layers: bytes → text (`TextDecoderStream`, so a multi-byte character
 * split across chunks survives) → events (`EventSourceParserStream`).
 *
 * Follows the SSE spec: `\n`, `\r\n` and `\r` line ends; `data:` with or without a space;
 * several `data:` lines of one event joined with `\n`; comments (`:` lines) and unknown fields
 * ignored; blank lines between events. An event left unterminated at the end of the body is
 * still dispatched.
 *
 * With `eachDataLineIsAnEvent`, a `data:` line ends its event even without a blank line
 * (XIPU: see close-data-lines.ts); multi-line data is then not joined.
 *
 * @returns the events in order. Cancelling it cancels `body`; an error of `body` errors it.
 */
export function parseEventStream(
  body: ReadableStream<Uint8Array>,
  options: { eachDataLineIsAnEvent?: boolean } = {},
): ReadableStream<EventSourceMessage> {
  const text = body.pipeThrough(decodeText());
  return (options.eachDataLineIsAnEvent ? text.pipeThrough(closeDataLines()) : text)
    .pipeThrough(terminateLastEvent())
    .pipeThrough(new EventSourceParserStream());
}

/** UTF-8 bytes to text; a character split across chunks is decoded once it is whole. */
function decodeText(): TransformStream<Uint8Array, string> {
  // The DOM typing of TextDecoderStream accepts only `BufferSource`, which since TypeScript 5.7
  // leaves out `Uint8Array`s over a SharedArrayBuffer; the decoder itself takes any Uint8Array.
  return new TextDecoderStream() as TransformStream<Uint8Array, string>;
}

/** Passes text through and appends an event terminator when the text ends. */
function terminateLastEvent(): TransformStream<string, string> {
  return new TransformStream<string, string>({
    transform(text, controller) {
      controller.enqueue(text);
    },
    flush(controller) {
      controller.enqueue(END_OF_EVENT);
    },
  });
}
