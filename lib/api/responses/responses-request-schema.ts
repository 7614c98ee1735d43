import { z } from 'zod';

/**
 * The Responses request body, validated leniently like Chat Completions (docs/client-compat
 * §10–12): loose objects, `null` = not given, and typed only where the gateway reads a field.
 * Input items and tools are checked one by one afterwards (convert-input-items.ts,
 * parse-responses-tools.ts) against the schemas below, so an error names the item's type.
 * `include`, `reasoning`, `metadata`, `truncation`, `user` and `prompt_cache_key` are accepted
 * and not used; `store` (default true) and `previous_response_id` are read by stored-responses.ts.
 */

/** One input item as the client sent it (or as it was stored), before its own schema is applied. */
export type InputItem = Record<string, unknown>;

/** `{type: 'item_reference', id}`: an output item of a stored response, by its id (the AI SDK's default). */
export const itemReferenceSchema = z.looseObject({
  type: z.literal('item_reference'),
  id: z.string().min(1),
});

/** A content part of a message item; which types are text is decided in convert-input-items.ts. */
export const contentPartSchema = z.looseObject({ type: z.string() });

/** A message's or a tool output's content: a string or parts. */
export const itemContentSchema = z.union([z.string(), z.array(contentPartSchema)]);

/** `{role, content}`; `type: 'message'` may be left out (OpenAI's "easy" input message). */
export const messageItemSchema = z.looseObject({
  type: z.literal('message').nullish(),
  role: z.string(),
  content: itemContentSchema,
});

export const functionCallItemSchema = z.looseObject({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
});

export const functionCallOutputItemSchema = z.looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: itemContentSchema,
});

export const customToolCallItemSchema = z.looseObject({
  type: z.literal('custom_tool_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  input: z.string(),
});

export const customToolCallOutputItemSchema = z.looseObject({
  type: z.literal('custom_tool_call_output'),
  call_id: z.string().min(1),
  output: itemContentSchema,
});

export const functionToolSchema = z.looseObject({
  type: z.literal('function'),
  name: z.string(),
  description: z.string().nullish(),
  parameters: z.looseObject({}).nullish(),
  strict: z.boolean().nullish(),
});

/** Codex's freeform tools (`apply_patch`): the model writes raw text, described by `format`. */
export const customToolSchema = z.looseObject({
  type: z.literal('custom'),
  name: z.string(),
  description: z.string().nullish(),
  format: z
    .looseObject({ type: z.string(), syntax: z.string().nullish(), definition: z.string().nullish() })
    .nullish(),
});

export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.enum(['function', 'custom']), name: z.string() }),
  z.looseObject({
    type: z.literal('allowed_tools'),
    mode: z.enum(['auto', 'required']),
    tools: z.array(z.looseObject({ type: z.string(), name: z.string() })).min(1),
  }),
]);

export const textFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    name: z.string().nullish(),
    description: z.string().nullish(),
    schema: z.looseObject({}),
    strict: z.boolean().nullish(),
  }),
]);

export const responsesRequestSchema = z.looseObject({
  model: z.string().trim().min(1),
  input: z.union([z.string(), z.array(z.looseObject({}))]),
  instructions: z.string().nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  stream: z.boolean().nullish(),
  text: z.looseObject({ format: textFormatSchema.nullish() }).nullish(),
  store: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
  /** As OpenAI allows it: at most 16 pairs of strings (keys ≤ 64, values ≤ 512 characters); it is echoed back. */
  metadata: z.record(z.string().max(64), z.string().max(512)).refine((pairs) => Object.keys(pairs).length <= 16, { message: 'at most 16 metadata pairs' }).nullish(),
  reasoning: z.looseObject({}).nullish(),
  truncation: z.string().nullish(),
  user: z.string().nullish(),
});

export type ParsedResponsesRequest = z.infer<typeof responsesRequestSchema>;
