import { z } from 'zod';

/**
 * The Chat Completions request body, validated leniently (docs/client-compat §10–12): every
 * object is loose (unknown fields such as `reasoning_effort`, `cache_control` or
 * `extra_body` leftovers pass), every optional field also accepts `null`, and every field
 * the gateway reads is typed (with OpenAI's ranges for the sampling numbers, which are sent
 * upstream), so a request OpenAI would refuse for them never reaches XIPU. Fields the gateway
 * does not read (`seed`, `logprobs`, …) are not checked.
 * The tool fields are read, because tools are emulated (docs/tool-calls.md): `tools`, the
 * legacy `functions` and `function_call`, `tool_choice`, `parallel_tool_calls` and
 * `response_format` are typed here; what their values mean together (names, which tools
 * exist) is checked afterwards, in parseToolRequest.
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

/** A function the model may call: `tools[i].function`, or one entry of the legacy `functions`. */
export const functionDefinitionSchema = z.looseObject({
  name: z.string(),
  description: z.string().nullish(),
  /** A JSON Schema object; absent means "no parameters". */
  parameters: z.looseObject({}).nullish(),
  strict: z.boolean().nullish(),
});

/** One entry of `tools`. `type` may be left out (it can only be `function`). */
export const toolSchema = z.looseObject({
  type: z.literal('function').nullish(),
  function: functionDefinitionSchema,
});

/** `{type: 'function', function: {name}}`: in `tool_choice` and in `allowed_tools.tools`. */
const namedFunctionSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({ name: z.string() }),
});

export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.discriminatedUnion('type', [
    namedFunctionSchema,
    z.looseObject({
      type: z.literal('allowed_tools'),
      allowed_tools: z.looseObject({
        mode: z.enum(['auto', 'required']),
        tools: z.array(namedFunctionSchema).min(1),
      }),
    }),
  ]),
]);

/** The legacy `function_call` request field (the choice for `functions`). */
const functionCallChoiceSchema = z.union([z.enum(['none', 'auto']), z.looseObject({ name: z.string() })]);

export const responseFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      /** OpenAI requires it; only the prompt shows it, so a missing name is not worth a 400. */
      name: z.string().nullish(),
      description: z.string().nullish(),
      schema: z.looseObject({}),
      strict: z.boolean().nullish(),
    }),
  }),
]);

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
  tools: z.array(toolSchema).nullish(),
  functions: z.array(functionDefinitionSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  function_call: functionCallChoiceSchema.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormatSchema.nullish(),
});

export type ParsedChatMessage = z.infer<typeof chatMessageSchema>;
export type ParsedChatRequest = z.infer<typeof chatRequestSchema>;
