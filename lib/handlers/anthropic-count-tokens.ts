import { countPromptTokens } from '@/lib/api/anthropic-messages/count-prompt-tokens';
import { parseMessagesRequest } from '@/lib/api/anthropic-messages/parse-messages-request';
import { readJsonBody } from '@/lib/http/read-json-body';
import type { RouteHandler } from '@/lib/http/gateway-route';

/**
 * POST /v1/messages/count_tokens: `{input_tokens}` for a Messages request, estimated locally
 * with no upstream call and no client limit (Claude Code calls it often, and it costs nothing).
 */
export const anthropicCountTokens: RouteHandler = async (request, scope) => {
  const { config } = scope.context;
  const chatRequest = parseMessagesRequest(await readJsonBody(request, config.limits.maxRequestBytes), { requireMaxTokens: false });
  scope.logFields.model = chatRequest.model;
  return Response.json({ input_tokens: countPromptTokens(chatRequest, config.tools.trigger) });
};
