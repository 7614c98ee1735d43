import type { ChatCompletionUsage } from '@/lib/api/chat-completions/chat-completion-types';

/** Token counts as a complete OpenAI `usage` object (`total_tokens` = prompt + completion). */
export function toChatCompletionUsage(counts: { promptTokens: number; completionTokens: number }): ChatCompletionUsage {
  return {
    prompt_tokens: counts.promptTokens,
    completion_tokens: counts.completionTokens,
    total_tokens: counts.promptTokens + counts.completionTokens,
  };
}
