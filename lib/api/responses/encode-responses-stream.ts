import { incompleteStreamError } from '@/lib/chat/incomplete-stream-error';
import type { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { buildResponseObject, type ResponseBase, type ResponseState } from './build-response-object';
import type { NewResponseId } from './response-ids';
import type { ResponseEvent, ResponseObject } from './response-types';
import { sseTypedEvent } from './sse-typed-event';
import { toResponseUsage } from './to-response-usage';
import { createOutputTracker } from './track-output-items';

export interface ResponsesStreamOptions {
  base: ResponseBase;
  newId: NewResponseId;
  customToolNames: ReadonlySet<string>;
  /** Token counts used when the stream carried no `usage` part (the pipeline's estimate). */
  countUsage: () => { promptTokens: number; completionTokens: number };
  /** Called once with the last event's response, as that event is enqueued (storing it: responses-response.ts). */
  onEnd?: (response: ResponseObject) => Promise<void> | void;
}

/**
 * Encodes the pipeline's parts as Responses streaming events, each one whole SSE event with a
 * `sequence_number` counting from 0, so keep-alive comments fit between them:
 * - at once, `response.created` and `response.in_progress` with the response in progress
 *   (docs/client-compat §15: the first bytes go out before the upstream answers);
 * - the items' events (track-output-items.ts);
 * - last, `response.completed` (or `response.incomplete` for finish `length`/`content_filter`)
 *   with the whole response and integer `usage`; on an `error` part, or input that ends with
 *   neither `finish` nor `error`, `response.failed` with `error: {code, message}`.
 */
export function createResponsesStreamEncoder(options: ResponsesStreamOptions): TransformStream<ChatStreamPart, string> {
  const tracker = createOutputTracker({ newId: options.newId, customToolNames: options.customToolNames });
  let sequence = 0;
  let ended = false;
  const encode = (event: ResponseEvent): string => sseTypedEvent({ ...event, sequence_number: sequence++ });
  const usage = () => toResponseUsage(tracker.reportedUsage() ?? options.countUsage());
  /** The last event, once `onEnd` (storing the response) is done: a client's next request may refer to it at once. */
  const last = async (state: ResponseState): Promise<string> => {
    ended = true;
    const response = buildResponseObject(options.base, state, tracker.output());
    const type = response.status === 'completed' ? 'response.completed' : response.status === 'incomplete' ? 'response.incomplete' : 'response.failed';
    await options.onEnd?.(response);
    return encode({ type, response });
  };
  const failed = (error: GatewayError) => last({ status: 'failed', error, usage: usage() });

  return new TransformStream<ChatStreamPart, string>({
    start(controller) {
      const response = buildResponseObject(options.base, { status: 'in_progress' }, []);
      controller.enqueue(encode({ type: 'response.created', response }));
      controller.enqueue(encode({ type: 'response.in_progress', response }));
    },
    async transform(part, controller) {
      if (ended) return;
      for (const event of tracker.apply(part)) controller.enqueue(encode(event));
      const outcome = tracker.outcome();
      if (outcome?.kind === 'finished') controller.enqueue(await last({ status: 'finished', finishReason: outcome.finishReason, usage: usage() }));
      if (outcome?.kind === 'failed') controller.enqueue(await failed(outcome.error));
    },
    async flush(controller) {
      if (!ended) controller.enqueue(await failed(incompleteStreamError()));
    },
  });
}
