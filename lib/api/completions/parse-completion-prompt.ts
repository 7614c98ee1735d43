import { invalidRequest } from '@/lib/errors/gateway-error';
import type { ParsedCompletionRequest } from './completion-request-schema';

/**
 * The one prompt text of a legacy Completions request. The gateway answers one prompt with one
 * chat turn, and the upstream takes text only, so of OpenAI's four prompt forms it serves a
 * string and an array of exactly one string.
 *
 * @throws GatewayError 400 `invalid_request_error`, param `prompt`: an empty prompt, an empty
 *   array, more than one prompt (OpenAI would answer each with its own choice), or token ids.
 */
export function parseCompletionPrompt(prompt: ParsedCompletionRequest['prompt']): string {
  if (typeof prompt === 'string') return nonEmpty(prompt);
  if (prompt.some((item) => typeof item !== 'string')) {
    throw invalidRequest(
      "Invalid 'prompt': token ids are not supported. This service reads the prompt as text; send it as a string.",
      'prompt',
      'unsupported_value',
    );
  }
  const [first, ...rest] = prompt as string[];
  if (first === undefined) {
    throw invalidRequest("Invalid 'prompt': empty array. Expected one prompt string.", 'prompt', 'empty_array');
  }
  if (rest.length > 0) {
    throw invalidRequest(
      `Invalid 'prompt': an array of ${prompt.length} prompts. This service answers one prompt per request; send a string or an array of one string.`,
      'prompt',
      'unsupported_value',
    );
  }
  return nonEmpty(first);
}

function nonEmpty(prompt: string): string {
  if (prompt === '') throw invalidRequest("Invalid 'prompt': empty string. Expected a non-empty prompt.", 'prompt', 'empty_string');
  return prompt;
}
