import type { GatewayError } from '@/lib/errors/gateway-error';

/**
 * The provider contract. A provider turns a normalised chat request into a stream of typed
 * parts; encoders (lib/openai today, Responses / Anthropic Messages later) turn parts into a
 * wire format and know nothing of the upstream.
 */

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls';

export type ChatStreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string }
  /** Token counts the upstream reported; when absent the pipeline counts them itself. */
  | { type: 'usage'; promptTokens: number; completionTokens: number }
  /** Always the last part of a successful stream. */
  | { type: 'finish'; finishReason: FinishReason }
  /** A failure after the stream started; the last part when present. */
  | { type: 'error'; error: GatewayError };

/** One message after normalisation: roles mapped, content parts reduced to text. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** Tool name for `tool` messages (when the client gave one) and legacy `function` messages. */
  name?: string;
  toolCallId?: string;
  toolCalls?: Array<{ id: string; name: string; arguments: string }>;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  topP?: number;
  /** From `max_completion_tokens` or `max_tokens`. */
  maxTokens?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** Stop sequences; the pipeline cuts the answer at the first one. */
  stop: string[];
  stream: boolean;
  includeUsage: boolean;
}

export interface ModelCard {
  id: string;
  ownedBy: string;
  created: number;
}

export interface ChatCallOptions {
  /** Aborts when the client disconnects; the provider must stop its upstream calls. */
  signal: AbortSignal;
  /**
   * Schedules cleanup to run after the response has closed (Next's `after()` in
   * production). Every upstream resource a provider creates is released through it.
   */
  defer: (task: () => Promise<void>) => void;
  requestId: string;
  /** This deployment's origin as the client reached it (for work in other routes, e.g. a login). */
  origin?: string;
}

export interface ChatProvider {
  /** Stable id used in logs and `owned_by`. */
  readonly id: string;
  listModels(): ModelCard[];
  /**
   * Starts a chat. Resolves once the upstream stream has started, so the route can still
   * answer any earlier failure with its real HTTP status; rejects with a GatewayError.
   * The returned stream ends with a `finish` or an `error` part.
   */
  streamChat(request: ChatRequest, options: ChatCallOptions): Promise<ReadableStream<ChatStreamPart>>;
}
