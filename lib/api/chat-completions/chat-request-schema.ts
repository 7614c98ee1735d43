import { z } from 'zod';

/**
 * The Chat Completions request body, validated leniently (docs/client-compat §10–12): every
 * object is loose (unknown fields such as `reasoning_effort`, `cache_control` or
 * `extra_body` leftovers pass), every optional field also accepts `null`, and every field
 * the gateway reads is typed (with OpenAI's ranges for the sampling numbers, which are sent
 * upstream), so a request OpenAI would refuse for them never reaches XIPU. Fields the gateway
 * does not read — `tools`, `tool_choice`, `response_format`, … — are not checked: nothing
 * here emulates tools, so `tools` of any shape (also `[]`) means "no tools".
 * Roles, content-part types and which messages may omit `content` are checked afterwards,
 * in normalizeChatMessage, so their errors can name the offending value.
 */

/** A content part; its meaning depends on `type` (only text-like parts are accepted later). */
export const contentPartSchema = z.looseObject({ type: z.string() });

export const toolCallSchema = z.looseObject({
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.looseObject({
    name: z.string(),
    /** Should be a JSON string; an object is re-serialised, null means no arguments. */
    arguments: z.unknown().optional(),
  }),
});

export const chatMessageSchema = z.looseObject({
  role: z.string(),
  content: z.union([z.string(), z.array(contentPartSchema)]).nullish(),
  name: z.string().nullish(),
  tool_call_id: z.string().nullish(),
  tool_calls: z.array(toolCallSchema).nullish(),
  /** Legacy single function call on assistant messages. */
  function_call: z.looseObject({ name: z.string(), arguments: z.unknown().optional() }).nullish(),
});

const tokenLimitSchema = z.number().int().positive().nullish();
/** OpenAI's range for `presence_penalty` and `frequency_penalty`. */
const penaltySchema = z.number().min(-2).max(2).nullish();

export const chatRequestSchema = z.looseObject({
  model: z.string().trim().min(1),
  messages: z.array(chatMessageSchema).min(1),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: tokenLimitSchema,
  max_completion_tokens: tokenLimitSchema,
  presence_penalty: penaltySchema,
  frequency_penalty: penaltySchema,
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  n: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});

export type ParsedChatMessage = z.infer<typeof chatMessageSchema>;
export type ParsedChatRequest = z.infer<typeof chatRequestSchema>;
