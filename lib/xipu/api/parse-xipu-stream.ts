import type { EventSourceMessage } from 'eventsource-parser';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';

/** The end-of-stream marker XIPU may send as raw event data — docs/xipu-protocol "Endpoints". */
const DONE_MARKER = '[DONE]';

/**
 * Turns XIPU completions events into answer text.
 *
 * Each event's `data` is JSON with a `data` field: a string is the next piece of the answer
 * (emitted as a `text-delta`; empty strings are dropped); any other type is metadata and is
 * skipped, as is data that is not JSON or not an object — docs/xipu-protocol "Endpoints".
 * `[DONE]` ends the stream: nothing after it is read, and the upstream body is cancelled.
 *
 * The SSE parser joins the `data:` lines of one event with `\n`, and that joined text is tried
 * first (a JSON object spread over several lines still parses). Only when it is not JSON is
 * each line tried on its own, so that `data:` lines sent without blank lines between them —
 * the protocol says only "lines of `data:<json>`" — are not lost.
 *
 * The answer is one text block `text-0`: `text-start` before its first piece, `text-end` at the
 * end of the stream or at `[DONE]` (none of either when no piece came). Emits no `finish`: the
 * provider decides the finish reason once the stream has ended.
 */
export function parseXipuStream(): TransformStream<EventSourceMessage, ChatStreamPart> {
  const id = 'text-0';
  let started = false;
  const endText = (controller: TransformStreamDefaultController<ChatStreamPart>): void => {
    if (started) controller.enqueue({ type: 'text-end', id });
    started = false;
  };
  return new TransformStream<EventSourceMessage, ChatStreamPart>({
    transform(event, controller) {
      for (const payload of splitEventPayloads(event.data)) {
        if (payload.trim() === DONE_MARKER) {
          endText(controller);
          controller.terminate();
          return;
        }
        const answerPiece = readAnswerPiece(payload);
        if (answerPiece !== undefined && answerPiece.length > 0) {
          if (!started) controller.enqueue({ type: 'text-start', id });
          started = true;
          controller.enqueue({ type: 'text-delta', id, text: answerPiece });
        }
      }
    },
    flush(controller) {
      endText(controller);
    },
  });
}

/** The payloads of one event: its whole data if that is JSON or `[DONE]`, else each line. */
function splitEventPayloads(data: string): string[] {
  if (!data.includes('\n') || data.trim() === DONE_MARKER || parseJson(data) !== undefined) {
    return [data];
  }
  return data.split('\n');
}

/** The answer piece of one payload, or `undefined` for metadata and anything unreadable. */
function readAnswerPiece(payload: string): string | undefined {
  const value = parseJson(payload);
  if (typeof value !== 'object' || value === null || !('data' in value)) return undefined;
  return typeof value.data === 'string' ? value.data : undefined;
}

/** `JSON.parse` that answers `undefined` instead of throwing on text that is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
