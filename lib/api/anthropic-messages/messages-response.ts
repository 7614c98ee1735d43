import type { ChatRun } from '@/lib/chat/run-chat';
import { insertKeepAlive } from '@/lib/sse/insert-keep-alive';
import { sseResponse } from '@/lib/sse/sse-response';
import { collectMessage } from './collect-message';
import { createMessagesStreamEncoder } from './encode-messages-stream';
import { newMessageId } from './message-id';
import { PING_EVENT } from './sse-named-event';

/**
 * Answers a started chat as Anthropic Messages: with `stream`, SSE events with `event: ping`
 * as the keep-alive (Claude Code's idle watchdog needs real events in long thinking gaps);
 * else one message as JSON once the answer is complete. One `msg_…` id for the answer; the
 * `model` is the one the client asked for.
 *
 * @throws (not streaming) the stream's GatewayError, so the route answers it with its status.
 */
export async function messagesResponse(run: ChatRun, request: { model: string; stream: boolean }): Promise<Response> {
  const shared = { id: newMessageId(), model: request.model, countUsage: run.usage };
  if (request.stream) {
    return sseResponse(run.parts.pipeThrough(createMessagesStreamEncoder(shared)).pipeThrough(insertKeepAlive({ event: PING_EVENT })));
  }
  return Response.json(await collectMessage(run.parts, shared));
}
