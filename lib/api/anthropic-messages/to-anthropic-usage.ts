import type { AnthropicUsage } from './message-types';

/** The pipeline's counts as Anthropic's usage object, whole numbers. */
export function toAnthropicUsage(counts: { promptTokens: number; completionTokens: number }): AnthropicUsage {
  return {
    input_tokens: Math.round(counts.promptTokens),
    output_tokens: Math.round(counts.completionTokens),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}
