import { GatewayError, isGatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart, FinishReason } from '@/lib/providers/chat-provider';
import { createBlockTracker } from '@/lib/providers/stream-blocks';

/**
 * Wraps a provider's raw parts so the stream always ends explicitly: a normal end adds
 * `finish` (unless one came; blocks left open are ended before it), a failure (timeout, dropped connection) becomes one `error`
 * part — never a silent or empty success. `onEnd` runs once when the source is done for any
 * reason: ended, failed, or cancelled by the consumer (client disconnect).
 */
export function endStreamWithFinish(
  source: ReadableStream<ChatStreamPart>,
  options: { finishReason: FinishReason; onEnd?: () => Promise<void> | void },
): ReadableStream<ChatStreamPart> {
  const reader = source.getReader();
  let sawFinish = false;
  const blocks = createBlockTracker();
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    await options.onEnd?.();
  };

  return new ReadableStream<ChatStreamPart>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          if (!sawFinish) {
            for (const end of blocks.endAll()) controller.enqueue(end);
            controller.enqueue({ type: 'finish', finishReason: options.finishReason });
          }
          controller.close();
          await end();
          return;
        }
        blocks.observe(value);
        if (value.type === 'finish') sawFinish = true;
        controller.enqueue(value);
        if (value.type === 'error') {
          controller.close();
          await reader.cancel().catch(() => undefined);
          await end();
        }
      } catch (error) {
        controller.enqueue({ type: 'error', error: asStreamError(error) });
        controller.close();
        await end();
      }
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => undefined);
      await end();
    },
  });
}

function asStreamError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  return new GatewayError('The upstream stream broke off before the answer was complete.', {
    status: 502,
    type: 'upstream_error',
    code: 'upstream_stream_interrupted',
    retryable: true,
    cause: error,
  });
}
