import type { FinishReason } from '@/lib/providers/chat-provider';

/** Token counts; always complete when present (docs/client-compat §13). */
export interface ChatCompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** One tool call as a chunk carries it: whole, in one chunk (docs/client-compat item 19). */
export interface ChatCompletionChunkToolCall {
  index: number;
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** A chunk's delta: never `content` and `reasoning_content` together (docs/client-compat §14). */
export interface ChatCompletionChunkDelta {
  role?: 'assistant';
  content?: string;
  reasoning_content?: string;
  /** Exactly one call per chunk. */
  tool_calls?: [ChatCompletionChunkToolCall];
}

/** A tool call in a non-streaming message. */
export interface ChatCompletionToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatCompletionChunkChoice {
  index: number;
  delta: ChatCompletionChunkDelta;
  logprobs: null;
  finish_reason: FinishReason | null;
}

/** One `chat.completion.chunk` event of a streaming response. */
export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  system_fingerprint?: string;
  /** Empty only in the usage chunk. */
  choices: ChatCompletionChunkChoice[];
  usage?: ChatCompletionUsage;
}

export interface ChatCompletionMessage {
  role: 'assistant';
  /** `null` only when the answer is tool calls without text. */
  content: string | null;
  refusal: null;
  /** Present only when the answer carried tool calls. */
  tool_calls?: ChatCompletionToolCall[];
  /** Present only when the answer carried reasoning. */
  reasoning_content?: string;
}

export interface ChatCompletionChoice {
  index: number;
  message: ChatCompletionMessage;
  logprobs: null;
  finish_reason: FinishReason;
}

/** A non-streaming `chat.completion` response. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint?: string;
  choices: ChatCompletionChoice[];
  /** Absent only when neither the upstream nor a counter gave token counts. */
  usage?: ChatCompletionUsage;
}
