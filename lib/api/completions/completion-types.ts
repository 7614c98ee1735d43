import type { FinishReason } from '@/lib/providers/chat-provider';

/** Token counts; always complete when present (docs/client-compat §13). */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/**
 * One choice of a legacy completion or of one of its chunks: the text (a delta in a chunk),
 * always index 0 and no logprobs, since the gateway refuses `n`, `best_of` and `logprobs`.
 */
export interface CompletionChoice {
  text: string;
  index: 0;
  logprobs: null;
  /** `null` in every chunk but the last; never `tool_calls`, as this API has no tools. */
  finish_reason: FinishReason | null;
}

/**
 * A `text_completion` object: the non-streaming answer, and also every chunk of a stream
 * (OpenAI's legacy stream repeats the envelope; the usage chunk has `choices: []`).
 */
export interface Completion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  system_fingerprint?: string;
  choices: CompletionChoice[];
  /** Absent only when neither the upstream nor a counter gave token counts. */
  usage?: CompletionUsage;
}
