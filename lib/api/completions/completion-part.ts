import type { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart, FinishReason } from '@/lib/providers/chat-provider';
import { assertNever } from '@/lib/providers/stream-blocks';

/** What a stream part means to a legacy completion: the only parts its encoder and collector read. */
export type CompletionPart =
  | { type: 'text'; text: string }
  | { type: 'usage'; promptTokens: number; completionTokens: number }
  | { type: 'finish'; finishReason: FinishReason }
  | { type: 'error'; error: GatewayError };

/**
 * The one place that decides what of a chat's answer the legacy API keeps, so the stream and
 * the JSON answer keep the same: text, usage, the end. Reasoning is dropped (the API has no
 * field for it, and in `text` it would change the answer); tool calls cannot occur (the API
 * has no tools, so the request never asks for them) and are dropped; block boundaries mean
 * nothing to a text field. Empty texts are dropped too.
 *
 * @returns `undefined` for a part the legacy API does not show.
 */
export function toCompletionPart(part: ChatStreamPart): CompletionPart | undefined {
  switch (part.type) {
    case 'text-delta':
      return part.text === '' ? undefined : { type: 'text', text: part.text };
    case 'usage':
      return { type: 'usage', promptTokens: part.promptTokens, completionTokens: part.completionTokens };
    case 'finish':
      return { type: 'finish', finishReason: part.finishReason };
    case 'error':
      return { type: 'error', error: part.error };
    case 'text-start':
    case 'text-end':
    case 'reasoning-start':
    case 'reasoning-delta':
    case 'reasoning-end':
    case 'tool-call-start':
    case 'tool-call-delta':
    case 'tool-call-end':
      return undefined;
    default:
      return assertNever(part);
  }
}
