import { enforceClientLimits } from '@/lib/auth/enforce-client-limits';
import { runChatCompletion } from '@/lib/chat/run-chat-completion';
import { readJsonBody } from '@/lib/http/read-json-body';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { parseChatRequest } from '@/lib/openai/parse-chat-request';

/** POST /v1/chat/completions: validate, apply the client's limits, run the chat. */
export const chatCompletions: RouteHandler = async (request, scope) => {
  const startedAt = scope.context.now();
  const { config, store, providers } = scope.context;
  const chatRequest = parseChatRequest(await readJsonBody(request, config.limits.maxRequestBytes));
  scope.logFields.model = chatRequest.model;
  scope.logFields.stream = chatRequest.stream;

  const release = await enforceClientLimits(store, scope.client, config.limits, scope.requestId, scope.context.now);
  scope.defer(release);
  return runChatCompletion(chatRequest, {
    provider: providers.resolve(chatRequest.model),
    requestId: scope.requestId,
    signal: request.signal,
    defer: scope.defer,
    systemFingerprint: scope.context.systemFingerprint,
    now: scope.context.now,
    startedAt,
    origin: new URL(request.url).origin,
  });
};
