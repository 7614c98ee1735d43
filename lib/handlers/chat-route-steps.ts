import { runChat, type ChatRun } from '@/lib/chat/run-chat';
import { resolveModelAlias } from '@/lib/config/model-aliases';
import type { RouteScope } from '@/lib/http/gateway-route';
import { createRequestRecorder, type RequestRecorder } from '@/lib/metrics/create-request-recorder';
import type { ChatRequest } from '@/lib/providers/chat-provider';

/**
 * The steps every chat route (one per API shape) shares, around its own parsing and answer.
 * Every request that reaches a chat route (authenticated) leaves one metrics record, written
 * after the response has closed: its status — also of failures the route wrapper answers —
 * and timing.
 */
export function recordChatRequest(request: Request, scope: RouteScope, startedAt: number): RequestRecorder {
  const recorder = createRequestRecorder({
    store: scope.context.store,
    requestId: scope.requestId,
    client: scope.client.name,
    startedAt,
    now: scope.context.now,
    signal: request.signal,
  });
  scope.onAnswered(recorder.answered);
  scope.defer(recorder.save);
  return recorder;
}

/**
 * Routes a parsed request and starts its chat: MODEL_ALIASES turns the requested id into the
 * one routed and sent upstream (the answer keeps naming the requested id), then
 * `providers.resolve`, then `runChat()`.
 */
export async function routeAndRunChat(
  request: Request,
  scope: RouteScope,
  chatRequest: ChatRequest,
  recorder: RequestRecorder,
  startedAt: number,
): Promise<ChatRun> {
  const { config, providers } = scope.context;
  const model = resolveModelAlias(config.modelAliases, chatRequest.model);
  const provider = providers.resolve(model);
  scope.logFields.upstream = provider.id;
  recorder.routedTo(provider.id);
  return runChat(
    { ...chatRequest, model },
    {
      provider,
      requestId: scope.requestId,
      signal: request.signal,
      defer: scope.defer,
      now: scope.context.now,
      startedAt,
      startDeadlineMs: config.requestStartDeadlineMs,
      origin: new URL(request.url).origin,
      observer: recorder,
      toolTrigger: config.tools.trigger,
    },
  );
}
