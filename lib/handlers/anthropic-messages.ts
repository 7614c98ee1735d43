import { messagesResponse } from '@/lib/api/anthropic-messages/messages-response';
import { parseMessagesRequest } from '@/lib/api/anthropic-messages/parse-messages-request';
import { isQuotaProbe, quotaProbeRun } from '@/lib/api/anthropic-messages/quota-probe-run';
import { chatRoute } from './chat-route';

/**
 * POST /v1/messages (Anthropic Messages, Claude Code): validate, apply the client's limits,
 * run the chat, answer it in Anthropic's format (the steps and the metrics record are
 * chatRoute's). Claude Code's `max_tokens: 1` quota probe is answered locally, after the
 * client's limits, so it never takes one of the account's paced slots.
 */
export const anthropicMessages = chatRoute({
  parse: (body) => parseMessagesRequest(body, { requireMaxTokens: true }),
  respond: (run, chat) => messagesResponse(run, chat),
  answerLocally: (chat, startedAt) => (isQuotaProbe(chat) ? quotaProbeRun(startedAt) : undefined),
});
