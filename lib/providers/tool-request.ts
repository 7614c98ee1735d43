/**
 * What a request asks of tools and of the answer's form, independent of the API shape that
 * carried it (docs/tool-calls.md). The wire parsers fill it in; the chat pipeline's tool
 * emulation (lib/tools/) reads it. Absent on a ChatRequest = no tools (or `tool_choice:
 * "none"`): the request is then untouched.
 */

/** A JSON Schema, as the client sent it (validated with ajv when used). */
export type JsonSchema = Record<string, unknown>;

export interface ToolDefinition {
  name: string;
  description?: string;
  /** The parameters' JSON Schema; `{ type: 'object' }` when the client gave none. */
  parameters: JsonSchema;
  /** OpenAI's `strict`: arguments must satisfy the schema exactly (ajv validates either way). */
  strict?: boolean;
}

export type ToolChoice =
  /** Call a tool when it helps, else answer in text. */
  | { mode: 'auto' }
  /** At least one call (also `allowed_tools` with mode `required`). */
  | { mode: 'required' }
  /** Exactly this function (`{type:'function', function:{name}}`). */
  | { mode: 'function'; name: string };

export interface ToolRequest {
  /** The tools the model may call (for `allowed_tools`, already cut to the allowed ones). */
  tools: ToolDefinition[];
  choice: ToolChoice;
  /** `parallel_tool_calls` (default true): false = at most one call per answer. */
  parallel: boolean;
}

export type ResponseFormat =
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonSchema; strict: boolean };

/** One call the model made, as the client receives it. */
export interface ToolCall {
  /** `call_` and 24 letters and digits. */
  id: string;
  name: string;
  /** The arguments as JSON text (one object). */
  arguments: string;
}
