// The encoding module alone, so only the o200k_base table loads (not every model's).
import { countTokens as countO200kTokens } from 'gpt-tokenizer/encoding/o200k_base';

/**
 * Text that merely looks like a special token (`<|endoftext|>` pasted into a prompt) is
 * counted as ordinary text; by default the library throws on it.
 */
const PLAIN_TEXT_OPTIONS = { disallowedSpecial: new Set<string>() };

/**
 * Estimates the tokens of `text` with the o200k_base encoding (GPT-4o and later). XIPU reports
 * no usage, and the clients accept estimated counts — docs/client-compat item 13. What a chat
 * counts (the prompt, the generated text) is `createUsageCounter()`'s (./create-usage-counter.ts).
 *
 * @returns the token count; 0 for the empty string. Never throws for any string.
 */
export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  return countO200kTokens(text, PLAIN_TEXT_OPTIONS);
}
