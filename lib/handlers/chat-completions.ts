import { chatCompletionResponse } from '@/lib/api/chat-completions/chat-completion-response';
import { parseChatRequest } from '@/lib/api/chat-completions/parse-chat-request';
import { enforceClientLimits } from '@/lib/auth/enforce-client-limits';
import { readJsonBody } from '@/lib/http/read-json-body';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { recordChatRequest, routeAndRunChat } from './chat-route-steps';

/**
 * POST /v1/chat/completions: validate, apply the client's limits, run the chat, answer it in
 * the Chat Completions format. Every request that reaches it leaves one metrics record
 * (./chat-route-steps.ts).
 */
export const chatCompletions: RouteHandler = async (request, scope) => {
  const startedAt = scope.context.now();
  const { config, store } = scope.context;
  const recorder = recordChatRequest(request, scope, startedAt);

  const chatRequest = parseChatRequest(await readJsonBody(request, config.limits.maxRequestBytes));
  scope.logFields.model = chatRequest.model;
  scope.logFields.stream = chatRequest.stream;
  recorder.describe({ model: chatRequest.model, stream: chatRequest.stream });

  // The recorder's save (deferred by recordChatRequest) frees the slot with its metrics write: one command.
  recorder.holdLease(await enforceClientLimits(store, scope.client, config.limits, scope.requestId, scope.context.now));
  const run = await routeAndRunChat(request, scope, chatRequest, recorder, startedAt);
  return chatCompletionResponse(run, chatRequest, { systemFingerprint: scope.context.systemFingerprint });
};
