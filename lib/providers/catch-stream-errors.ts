import { GatewayError, isGatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from './chat-provider';

/**
 * A provider's parts over an HTTP body, with a failure of that body (idle timeout, dropped
 * connection) turned into a last `error` part, so the stream still ends in `finish` or
 * `error` (the ChatProvider contract); cancelling it (client gone) aborts the upstream call
 * through `abort`. Shared by the providers that read an upstream body (UPSTREAMS, ai-chats).
 */
export function catchStreamErrors(
  parts: ReadableStream<ChatStreamPart>,
  upstreamName: string,
  abort: (reason?: unknown) => void,
): ReadableStream<ChatStreamPart> {
  const reader = parts.getReader();
  return new ReadableStream<ChatStreamPart>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        abort(error);
        controller.enqueue({ type: 'error', error: asStreamError(error, upstreamName) });
        controller.close();
      }
    },
    cancel(reason) {
      abort(reason);
      return reader.cancel(reason).catch(() => undefined);
    },
  });
}

/** What broke a stream (idle timeout, dropped connection) as a GatewayError for its `error` part. */
export function asStreamError(error: unknown, upstreamName: string): GatewayError {
  if (isGatewayError(error)) return error;
  return new GatewayError(`${upstreamName}'s stream broke off.`, { status: 502, type: 'upstream_error', code: 'upstream_stream_incomplete', cause: error });
}
