import { messagesResponse } from '@/lib/api/anthropic-messages/messages-response';
import { parseMessagesRequest } from '@/lib/api/anthropic-messages/parse-messages-request';
import { isQuotaProbe, quotaProbeRun } from '@/lib/api/anthropic-messages/quota-probe-run';
import { enforceClientLimits } from '@/lib/auth/enforce-client-limits';
import { readJsonBody } from '@/lib/http/read-json-body';
import type { RouteHandler } from '@/lib/http/gateway-route';
import { recordChatRequest, routeAndRunChat } from './chat-route-steps';

/** The upstream id of answers the gateway gives itself, in logs and metrics. */
const LOCAL_ANSWER = 'local';

/**
 * POST /v1/messages (Anthropic Messages, Claude Code): validate, apply the client's limits,
 * run the chat, answer it in Anthropic's format — like chatCompletions. Claude Code's
 * `max_tokens: 1` quota probe is answered locally, after the client's limits, so it never
 * takes one of the account's paced slots.
 */
export const anthropicMessages: RouteHandler = async (request, scope) => {
  const startedAt = scope.context.now();
  const { config, store } = scope.context;
  const recorder = recordChatRequest(request, scope, startedAt);

  const chatRequest = parseMessagesRequest(await readJsonBody(request, config.limits.maxRequestBytes), { requireMaxTokens: true });
  scope.logFields.model = chatRequest.model;
  scope.logFields.stream = chatRequest.stream;
  recorder.describe({ model: chatRequest.model, stream: chatRequest.stream });

  recorder.holdLease(await enforceClientLimits(store, scope.client, config.limits, scope.requestId, scope.context.now));
  if (isQuotaProbe(chatRequest)) {
    scope.logFields.upstream = LOCAL_ANSWER;
    recorder.routedTo(LOCAL_ANSWER);
    return messagesResponse(quotaProbeRun(startedAt), chatRequest);
  }
  return messagesResponse(await routeAndRunChat(request, scope, chatRequest, recorder, startedAt), chatRequest);
};
