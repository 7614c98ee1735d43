import type { ChatRequest } from '@/lib/providers/chat-provider';
import { countTokens } from './count-tokens';
import { renderPromptText } from './render-prompt-text';

/** What an answer may use when the client sets no `max_tokens`: reserved, then settled to what it used. */
export const DEFAULT_ANSWER_ALLOWANCE_TOKENS = 1024;

/**
 * The most tokens a chat is expected to use, reserved up front against a key's daily quota
 * (docs/keys.md): the prompt's estimate plus `max_tokens`, or plus an allowance without it.
 */
export function estimateRequestTokens(chat: Pick<ChatRequest, 'messages' | 'maxTokens'>): number {
  return countTokens(renderPromptText(chat.messages)) + (chat.maxTokens ?? DEFAULT_ANSWER_ALLOWANCE_TOKENS);
}
