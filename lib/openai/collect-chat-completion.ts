import type { ChatCompletion } from '@/lib/openai/chat-completion-types';
import { incompleteStreamError } from '@/lib/openai/incomplete-stream-error';
import { toChatCompletionUsage } from '@/lib/openai/to-chat-completion-usage';
import type { ChatStreamPart, FinishReason } from '@/lib/providers/chat-provider';
import type { GatewayError } from '@/lib/errors/gateway-error';

export interface CollectChatCompletionOptions {
  id: string;
  /** Unix time in seconds (floored to an integer). */
  created: number;
  model: string;
  systemFingerprint?: string;
  /**
   * Token counts used when the stream carried no `usage` part. Receives every generated text:
   * the reasoning followed by the answer.
   */
  countUsage?: (completionText: string) => { promptTokens: number; completionTokens: number };
}

/**
 * Reads `parts` to the end and builds one non-streaming `chat.completion` object
 * (docs/client-compat §6). Parts after the first `finish` or `error` are ignored.
 *
 * `usage` comes from the stream's `usage` part, else from `countUsage`; it is omitted when
 * neither exists (never partially filled). `reasoning_content` is present only when non-empty.
 *
 * @throws the stream's GatewayError when it carried an `error` part; a `server_error`
 *   GatewayError when it ended without `finish`; whatever the stream itself rejects with.
 */
export async function collectChatCompletion(
  parts: ReadableStream<ChatStreamPart>,
  options: CollectChatCompletionOptions,
): Promise<ChatCompletion> {
  let content = '';
  let reasoning = '';
  let reportedUsage: { promptTokens: number; completionTokens: number } | undefined;
  let finishReason: FinishReason | undefined;
  let failure: GatewayError | undefined;

  const reader = parts.getReader();
  try {
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
      if (finishReason !== undefined || failure !== undefined) continue;
      switch (part.type) {
        case 'text-delta':
          content += part.text;
          break;
        case 'reasoning-delta':
          reasoning += part.text;
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
      }
    }
  } finally {
    reader.releaseLock();
  }

  if (failure !== undefined) throw failure;
  if (finishReason === undefined) throw incompleteStreamError();

  const counts = reportedUsage ?? options.countUsage?.(reasoning + content);
  return {
    id: options.id,
    object: 'chat.completion',
    created: Math.floor(options.created),
    model: options.model,
    ...(options.systemFingerprint === undefined ? {} : { system_fingerprint: options.systemFingerprint }),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal: null,
          ...(reasoning === '' ? {} : { reasoning_content: reasoning }),
        },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    ...(counts === undefined ? {} : { usage: toChatCompletionUsage(counts) }),
  };
}
