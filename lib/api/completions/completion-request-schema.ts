import { z } from 'zod';

/**
 * The legacy Completions request body, validated leniently like Chat Completions
 * (docs/client-compat §10): the object is loose (unknown fields such as `user`, `seed` or
 * `logit_bias` pass unread), every optional field also accepts `null`, and every field the
 * gateway reads is typed with OpenAI's ranges, so a request OpenAI would refuse for them
 * never reaches the upstream.
 *
 * `prompt` accepts every form OpenAI does (a string, strings, token ids, arrays of token ids)
 * so that the parser, not the schema, can say which of them this gateway cannot serve.
 * `suffix`, `echo`, `logprobs`, `best_of` and `n` are typed because the parser refuses the
 * values it cannot honour (one choice, no log probabilities).
 */

const tokenIdsSchema = z.array(z.number().int());

const penaltySchema = z.number().min(-2).max(2).nullish();

export const completionRequestSchema = z.looseObject({
  model: z.string().trim().min(1),
  prompt: z.union([z.string(), z.array(z.union([z.string(), z.number().int(), tokenIdsSchema]))]),
  max_tokens: z.number().int().positive().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  presence_penalty: penaltySchema,
  frequency_penalty: penaltySchema,
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  suffix: z.string().nullish(),
  echo: z.boolean().nullish(),
  logprobs: z.number().int().nullish(),
  best_of: z.number().int().nullish(),
  n: z.number().int().nullish(),
});

export type ParsedCompletionRequest = z.infer<typeof completionRequestSchema>;
