import { incompleteStreamError } from '@/lib/chat/incomplete-stream-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { buildResponseObject, type ResponseBase } from './build-response-object';
import type { NewResponseId } from './response-ids';
import type { ResponseObject } from './response-types';
import { toResponseUsage } from './to-response-usage';
import { createOutputTracker } from './track-output-items';

/**
 * Reads `parts` to the end and builds the non-streaming response: the same items as the
 * stream's (track-output-items.ts), status `completed` or `incomplete`, and usage from the
 * `usage` part or else `countUsage()`.
 *
 * @throws the stream's GatewayError when it carried an `error` part (the route answers it with
 *   its status, like Chat Completions); a `server_error` GatewayError when it ended without
 *   `finish`; whatever the stream itself rejects with.
 */
export async function collectResponse(
  parts: ReadableStream<ChatStreamPart>,
  options: { base: ResponseBase; newId: NewResponseId; customToolNames: ReadonlySet<string>; countUsage: () => { promptTokens: number; completionTokens: number } },
): Promise<ResponseObject> {
  const tracker = createOutputTracker({ newId: options.newId, customToolNames: options.customToolNames });
  const reader = parts.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      tracker.apply(value);
    }
  } finally {
    reader.releaseLock();
  }
  const outcome = tracker.outcome();
  if (outcome === undefined) throw incompleteStreamError();
  if (outcome.kind === 'failed') throw outcome.error;
  const usage = toResponseUsage(tracker.reportedUsage() ?? options.countUsage());
  return buildResponseObject(options.base, { status: 'finished', finishReason: outcome.finishReason, usage }, tracker.output());
}
