import type { ResponseFormat, ToolRequest } from './tool-request';
import type { GatewayError } from '@/lib/errors/gateway-error';
import type { QueuePlace } from '@/lib/pacing/slot-schedule';

/**
 * The provider contract. A provider turns a normalised chat request into a stream of typed
 * parts; the chat pipeline (lib/chat) shapes them and one encoder folder per API shape
 * (lib/api/chat-completions today, Responses / Anthropic Messages later) turns them into a wire
 * format, knowing nothing of the upstream.
 */

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls';

/**
 * One part of a provider's answer stream. Content comes in blocks: `*-start`, any number of
 * `*-delta`s, `*-end`, all with the block's `id`, one block open at a time. Text and reasoning
 * ids are simple and deterministic per stream (`text-0`, `reasoning-0`, `text-1`, …; see
 * `./stream-blocks.ts`); a tool call's id is the `tool_call_id` the client sees and sends back,
 * so it must be unique in the conversation (`call_…`). Every block is ended before `finish`; an
 * `error` may cut a block off. A block may be empty. The names follow the AI SDK's
 * `LanguageModelV3StreamPart` without adopting its types: docs/architecture.md "Stream parts".
 *
 * Every `switch` over `part.type` ends in `assertNever(part)` (./stream-blocks.ts), so a new part
 * type is a compile error in each consumer, not a silent drop.
 */
export type ChatStreamPart =
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; text: string }
  | { type: 'text-end'; id: string }
  | { type: 'reasoning-start'; id: string }
  | { type: 'reasoning-delta'; id: string; text: string }
  | { type: 'reasoning-end'; id: string }
  /** A tool call begins: its id (`call_…`) and the function's name. */
  | { type: 'tool-call-start'; id: string; name: string }
  /** The next piece of the call's arguments (JSON text; the pieces joined are the arguments). */
  | { type: 'tool-call-delta'; id: string; argumentsDelta: string }
  /** The call's arguments are complete. */
  | { type: 'tool-call-end'; id: string }
  /** Token counts the upstream reported; when absent the pipeline counts them itself. */
  | { type: 'usage'; promptTokens: number; completionTokens: number }
  /**
   * Always the last part of a successful stream. `stopSequence`: the client's stop sequence
   * that ended the answer, when one did.
   */
  | { type: 'finish'; finishReason: FinishReason; stopSequence?: string }
  /** A failure after the stream started; the last part when present. */
  | { type: 'error'; error: GatewayError };

export type ChatStreamPartType = ChatStreamPart['type'];

/** The kinds of content block and their part types. */
export type BlockKind = 'text' | 'reasoning' | 'tool-call';

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
  /** Tools the model may call (emulated: docs/tool-calls.md); absent = none, the request untouched. */
  tools?: ToolRequest;
  /** `response_format` JSON modes; absent = text. */
  responseFormat?: ResponseFormat;
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
  /**
   * The client key and when its request arrived: a provider that queues for a shared schedule
   * (XIPU's pacer) serves waiting requests round robin across keys by it (lib/pacing/slot-schedule.ts).
   */
  queueAs?: QueuePlace;
  /**
   * Told of each turn this chat got in its account's call schedule (lib/pacing) before its
   * answer started, with how long it waited for it: the request's queue wait, which the /admin
   * chat shows. A provider without a schedule never calls it. Must not throw.
   */
  onTurn?: (turn: ScheduleTurn) => void;
}

/** One turn a chat got in its account's call schedule: the call, and how long it waited for its turn. */
export interface ScheduleTurn {
  /** The call, in the provider's words (XIPU: `saveSession`, `completions`). */
  call: string;
  waitedMs: number;
}

/**
 * Whether an endpoint can take a call now, for routing between the endpoints that serve one
 * model (lib/providers/route-request.ts): the soonest start first, then the fewest calls in
 * flight. `available: false` is skipped while another endpoint can serve; it is still tried,
 * last, when none can (its own error is then the one the client sees).
 */
export type Readiness =
  | {
      available: true;
      /** How long until its next upstream call could start (its schedule's earliest slot); 0 = now. */
      startsInMs: number;
      /** Calls it is serving now, on every instance (0 when it does not count them). */
      inFlight: number;
    }
  | {
      available: false;
      /** Why, in a few words for /admin and the logs: "logging in", "cooling down until 12:00:05", "at the session cap". */
      reason: string;
    };

/** `POST /v1/embeddings`, normalised: `input` always a list. */
export interface EmbeddingsRequest {
  model: string;
  input: string[] | number[][];
  /** Passed through as the client sent them. */
  dimensions?: number;
  encodingFormat?: 'float' | 'base64';
  user?: string;
}

/** An upstream's embeddings answer, as OpenAI shapes it (`data[i].embedding`: floats, or base64 when asked). */
export interface EmbeddingsResult {
  data: Array<{ index: number; embedding: number[] | string }>;
  usage: { promptTokens: number; totalTokens: number };
}

export interface ChatProvider {
  /**
   * Stable id of the upstream and its account (`xipu:default`, `upstream:<id>`, `worker:<id>`,
   * `mock`, `aichats`): in log lines and in each chat's metrics record, so figures can be told
   * apart per account and endpoint.
   */
  readonly id: string;
  listModels(): ModelCard[];
  /**
   * What the upstream does itself, so the pipeline passes it through instead of emulating it
   * (lib/tools, docs/tool-calls.md): `tools` (with `tool_choice`, parallel calls and tool
   * results in the history) and `responseFormat` (`json_object`, `json_schema`). Absent: both
   * emulated, as for XIPU.
   */
  readonly native?: { tools: boolean; responseFormat: boolean };
  /**
   * Whether it can take a call now (see Readiness). Absent: always available, nothing in
   * flight. Reads the store at most once; never calls the upstream.
   */
  readiness?(): Promise<Readiness>;
  /**
   * Embeddings, when the upstream serves them. Rejects with a GatewayError (the upstream's
   * status kept); the same before-the-answer failover rules as `streamChat` apply.
   */
  embed?(request: EmbeddingsRequest, options: ChatCallOptions): Promise<EmbeddingsResult>;
  /**
   * The text the answer becomes when this provider answers with nothing (docs/client-compat
   * item 23): only the provider knows why its upstream does that and what the user can do, so
   * it words the notice. Absent: the pipeline's neutral notice (lib/chat/guard-empty-answer.ts).
   */
  readonly emptyAnswerNotice?: string;
  /**
   * Starts a chat. Resolves once the upstream stream has started, so the route can still
   * answer any earlier failure with its real HTTP status; rejects with a GatewayError.
   * The returned stream ends with a `finish` or an `error` part.
   */
  streamChat(request: ChatRequest, options: ChatCallOptions): Promise<ReadableStream<ChatStreamPart>>;
}
