import type { ChatCompletion, ChatCompletionToolCall } from '@/lib/api/chat-completions/chat-completion-types';
import { incompleteStreamError } from '@/lib/chat/incomplete-stream-error';
import { toChatCompletionUsage } from '@/lib/api/chat-completions/to-chat-completion-usage';
import type { ChatStreamPart, FinishReason } from '@/lib/providers/chat-provider';
import type { GatewayError } from '@/lib/errors/gateway-error';
import { assertNever } from '@/lib/providers/stream-blocks';

export interface CollectChatCompletionOptions {
  id: string;
  /** Unix time in seconds (floored to an integer). */
  created: number;
  model: string;
  systemFingerprint?: string;
  /**
   * Token counts used when the stream carried no `usage` part; asked once the stream has
   * ended (the pipeline's estimate, `ChatRun.usage` in lib/chat/run-chat.ts).
   */
  countUsage?: () => { promptTokens: number; completionTokens: number };
}

/**
 * Reads `parts` to the end and builds one non-streaming `chat.completion` object
 * (docs/client-compat §6). Parts after the first `finish` or `error` are ignored.
 *
 * `usage` comes from the stream's `usage` part, else from `countUsage`; it is omitted when
 * neither exists (never partially filled). `reasoning_content` is present only when non-empty.
 * Ended tool calls become `message.tool_calls` (`type:'function'`, string `arguments`, in the
 * order they ended); with calls and no text, `content` is `null` (docs/client-compat
 * "Canonical outputs"). A call that never ends is left out.
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
  const openCalls = new Map<string, { name: string; arguments: string }>();
  const toolCalls: ChatCompletionToolCall[] = [];

  const reader = parts.getReader();
  try {
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
      if (finishReason !== undefined || failure !== undefined) continue;
      switch (part.type) {
        case 'text-start':
        case 'text-end':
        case 'reasoning-start':
        case 'reasoning-end':
          break;
        case 'tool-call-start':
          openCalls.set(part.id, { name: part.name, arguments: '' });
          break;
        case 'tool-call-delta': {
          const call = openCalls.get(part.id);
          if (call !== undefined) call.arguments += part.argumentsDelta;
          break;
        }
        case 'tool-call-end': {
          const call = openCalls.get(part.id);
          if (call === undefined) break;
          openCalls.delete(part.id);
          toolCalls.push({ id: part.id, type: 'function', function: call });
          break;
        }
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
    object: 'chat.completion',
    created: Math.floor(options.created),
    model: options.model,
    ...(options.systemFingerprint === undefined ? {} : { system_fingerprint: options.systemFingerprint }),
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: toolCalls.length > 0 && content === '' ? null : content,
          refusal: null,
          ...(reasoning === '' ? {} : { reasoning_content: reasoning }),
          ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
        },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    ...(counts === undefined ? {} : { usage: toChatCompletionUsage(counts) }),
  };
}
