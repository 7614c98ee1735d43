import { chatCompletionResponse } from '@/lib/api/chat-completions/chat-completion-response';
import { parseChatRequest } from '@/lib/api/chat-completions/parse-chat-request';
import { chatRoute } from './chat-route';

/**
 * POST /v1/chat/completions: validate, apply the client's limits, run the chat, answer it in
 * the Chat Completions format (the steps and the metrics record are chatRoute's).
 */
export const chatCompletions = chatRoute({ parse: parseChatRequest, respond: chatCompletionResponse });
