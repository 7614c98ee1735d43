import { z } from 'zod';

/**
 * The Messages request body, validated leniently like the chat schema: every object is loose
 * (Claude Code sends `cache_control`, `thinking`, `context_management`, … which are accepted
 * and ignored), and every field the gateway reads is typed, with Anthropic's ranges for the
 * sampling numbers. Content blocks are checked per type afterwards (convert-messages.ts), so
 * their errors can name the block.
 */

/** A content block; its fields depend on `type`. */
export const contentBlockSchema = z.looseObject({ type: z.string() });

const contentSchema = z.union([z.string(), z.array(contentBlockSchema)]);

export const messageSchema = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: contentSchema,
});

export const toolSchema = z.looseObject({
  /** Absent or `custom` for a client tool; Anthropic's server tools have their own types. */
  type: z.string().nullish(),
  name: z.string(),
  description: z.string().nullish(),
  input_schema: z.looseObject({}).nullish(),
});

export const toolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().nullish() }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().nullish() }),
  z.looseObject({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.boolean().nullish() }),
  z.looseObject({ type: z.literal('none') }),
]);

/** What `/v1/messages` and `/v1/messages/count_tokens` share; only the former needs `max_tokens`. */
export const messagesRequestSchema = z.looseObject({
  model: z.string().trim().min(1),
  messages: z.array(messageSchema).min(1),
  system: contentSchema.nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  stop_sequences: z.array(z.string()).nullish(),
  temperature: z.number().min(0).max(1).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  /** Accepted and ignored: XIPU has no top-k. */
  top_k: z.number().int().nullish(),
  metadata: z.looseObject({}).nullish(),
  stream: z.boolean().nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
});

export type ParsedMessagesRequest = z.infer<typeof messagesRequestSchema>;
export type ParsedContentBlock = z.infer<typeof contentBlockSchema>;
