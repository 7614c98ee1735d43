import type { CompletionUsage } from './completion-types';

/** Token counts as a complete `usage` object (`total_tokens` = prompt + completion). */
export function toCompletionUsage(counts: { promptTokens: number; completionTokens: number }): CompletionUsage {
  return {
    prompt_tokens: counts.promptTokens,
    completion_tokens: counts.completionTokens,
    total_tokens: counts.promptTokens + counts.completionTokens,
  };
}
