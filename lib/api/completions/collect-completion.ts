import { incompleteStreamError } from '@/lib/chat/incomplete-stream-error';
import type { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart, FinishReason } from '@/lib/providers/chat-provider';
import { assertNever } from '@/lib/providers/stream-blocks';
import { toCompletionPart } from './completion-part';
import type { Completion } from './completion-types';
import { toCompletionUsage } from './to-completion-usage';

export interface CollectCompletionOptions {
  id: string;
  /** Unix time in seconds (floored to an integer). */
  created: number;
  model: string;
  systemFingerprint?: string;
  /** Token counts used when the stream carried no `usage` part; asked once it has ended. */
  countUsage?: () => { promptTokens: number; completionTokens: number };
}

/**
 * Reads `parts` to the end and builds one non-streaming `text_completion`: the answer's text
 * in `choices[0].text`, its finish reason, and `usage` from the stream's `usage` part, else
 * from `countUsage` (omitted when neither exists, never partial). It keeps what the stream
 * keeps (toCompletionPart: no reasoning). Parts after the first `finish` or `error` are ignored.
 *
 * @throws the stream's GatewayError when it carried an `error` part; a `server_error`
 *   GatewayError when it ended without `finish`; whatever the stream itself rejects with.
 */
export async function collectCompletion(parts: ReadableStream<ChatStreamPart>, options: CollectCompletionOptions): Promise<Completion> {
  let text = '';
  let reportedUsage: { promptTokens: number; completionTokens: number } | undefined;
  let finishReason: FinishReason | undefined;
  let failure: GatewayError | undefined;

  const reader = parts.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const part = finishReason !== undefined || failure !== undefined ? undefined : toCompletionPart(value);
      if (part === undefined) continue;
      switch (part.type) {
        case 'text':
          text += part.text;
          break;
        case 'usage':
          reportedUsage = { promptTokens: part.promptTokens, completionTokens: part.completionTokens };
          break;
        case 'finish':
          finishReason = part.finishReason;
          break;
        case 'error':
          failure = part.error;
          break;
        default:
          assertNever(part);
      }
    }
  } finally {
    reader.releaseLock();
  }

  if (failure !== undefined) throw failure;
  if (finishReason === undefined) throw incompleteStreamError();

  const counts = reportedUsage ?? options.countUsage?.();
  return {
    id: options.id,
    object: 'text_completion',
    created: Math.floor(options.created),
    model: options.model,
    ...(options.systemFingerprint === undefined ? {} : { system_fingerprint: options.systemFingerprint }),
    choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
    ...(counts === undefined ? {} : { usage: toCompletionUsage(counts) }),
  };
}
