import { chatCompletionResponse } from '@/lib/api/chat-completions/chat-completion-response';
import { parseChatRequest } from '@/lib/api/chat-completions/parse-chat-request';
import { enforceClientLimits } from '@/lib/auth/enforce-client-limits';
import { runChat } from '@/lib/chat/run-chat';
import { readJsonBody } from '@/lib/http/read-json-body';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { createRequestRecorder } from '@/lib/metrics/create-request-recorder';

/**
 * POST /v1/chat/completions: validate, apply the client's limits, run the chat, answer it in
 * the Chat Completions format. Every request that reaches it (authenticated) leaves one metrics
 * record, written after the response has closed: its status — also of failures the route
 * wrapper answers — and timing.
 */
export const chatCompletions: RouteHandler = async (request, scope) => {
  const startedAt = scope.context.now();
  const { config, store, providers } = scope.context;
  const recorder = createRequestRecorder({
    store,
    requestId: scope.requestId,
    client: scope.client.name,
    startedAt,
    now: scope.context.now,
    signal: request.signal,
  });
  scope.onAnswered(recorder.answered);
  scope.defer(recorder.save);

  const chatRequest = parseChatRequest(await readJsonBody(request, config.limits.maxRequestBytes));
  scope.logFields.model = chatRequest.model;
  scope.logFields.stream = chatRequest.stream;
  recorder.describe({ model: chatRequest.model, stream: chatRequest.stream });

  // The recorder's save (deferred above) frees the slot with its metrics write: one command.
  recorder.holdLease(await enforceClientLimits(store, scope.client, config.limits, scope.requestId, scope.context.now));
  const provider = providers.resolve(chatRequest.model);
  scope.logFields.upstream = provider.id;
  recorder.routedTo(provider.id);
  const run = await runChat(chatRequest, {
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
  });
  return chatCompletionResponse(run, chatRequest, { systemFingerprint: scope.context.systemFingerprint });
};
