import type { ResponseUsage } from './response-types';

/**
 * Token counts as the Responses `usage` object: integers, with the detail objects Codex and the
 * AI SDK read (the gateway has no cache and does not count reasoning apart, so both are 0).
 */
export function toResponseUsage(counts: { promptTokens: number; completionTokens: number }): ResponseUsage {
  const input = Math.round(counts.promptTokens);
  const output = Math.round(counts.completionTokens);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}
