import { completionResponse } from '@/lib/api/completions/completion-response';
import { parseCompletionRequest } from '@/lib/api/completions/parse-completion-request';
import { chatRoute } from './chat-route';

/**
 * POST /v1/completions (legacy): validate, apply the client's limits, run the prompt as a
 * one-message chat, answer it as a `text_completion`. The steps, the client limits and the
 * metrics record are chatRoute's, as for chat completions: a legacy call takes an upstream
 * session like any chat.
 */
export const completions = chatRoute({ parse: parseCompletionRequest, respond: completionResponse });
