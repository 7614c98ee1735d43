/**
 * The Responses API objects the gateway sends (the subset of OpenAI's `Response` that Codex
 * CLI, openai-node and the AI SDK read). Field names are the wire's.
 */

/** Token counts; always complete integers (the AI SDK and Codex read them from `response.completed`). */
export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface OutputText {
  type: 'output_text';
  text: string;
  annotations: [];
}

export interface SummaryText {
  type: 'summary_text';
  text: string;
}

export interface MessageItem {
  id: string;
  type: 'message';
  status: ItemStatus;
  role: 'assistant';
  content: OutputText[];
}

export interface ReasoningItem {
  id: string;
  type: 'reasoning';
  summary: SummaryText[];
}

export interface FunctionCallItem {
  id: string;
  type: 'function_call';
  status: ItemStatus;
  call_id: string;
  name: string;
  arguments: string;
}

/** A call of a freeform `custom` tool (Codex's `apply_patch`): `input` is the raw text. */
export interface CustomToolCallItem {
  id: string;
  type: 'custom_tool_call';
  status: ItemStatus;
  call_id: string;
  name: string;
  input: string;
}

export type OutputItem = MessageItem | ReasoningItem | FunctionCallItem | CustomToolCallItem;

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

/**
 * What the response object repeats of the request (OpenAI echoes them; the SDKs read
 * `tools`, `tool_choice`, `text` when they parse structured output).
 */
export interface ResponseEcho {
  instructions: string | null;
  max_output_tokens: number | null;
  parallel_tool_calls: boolean;
  temperature: number | null;
  top_p: number | null;
  tool_choice: unknown;
  tools: unknown[];
  text: { format: unknown };
  store: boolean;
  /** The response this one continues, as the request named it. */
  previous_response_id: string | null;
  metadata: Record<string, unknown>;
  reasoning: { effort: unknown; summary: unknown };
  truncation: string;
  user: string | null;
}

/** OpenAI's `Response` object. */
export interface ResponseObject extends ResponseEcho {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  model: string;
  output: OutputItem[];
  usage: ResponseUsage | null;
}

/** One streaming event before its `sequence_number` is added. */
export type ResponseEvent = { type: string } & Record<string, unknown>;
