import { incompleteStreamError } from '@/lib/chat/incomplete-stream-error';
import type { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { assertNever } from '@/lib/providers/stream-blocks';
import type { AnthropicMessage, ContentBlock } from './message-types';
import { parseToolInput } from './parse-tool-input';
import { thinkingSignature } from './thinking-signature';
import { toAnthropicUsage } from './to-anthropic-usage';
import { toStopReason } from './to-stop-reason';
import { toToolUseId } from './tool-use-id';

export interface CollectMessageOptions {
  id: string;
  model: string;
  countUsage: () => { promptTokens: number; completionTokens: number };
}

/**
 * Reads `parts` to the end and builds one Messages response: the blocks in stream order, as
 * the stream encoder would send them — `thinking` (with its signature), `text`, `tool_use`
 * (`input` an object) — with empty text and thinking left out; `stop_reason` and
 * `stop_sequence` from the finish part; usage reported by the stream, else the estimate.
 * Parts after the first `finish` or `error` are ignored; a call that never ends is left out.
 *
 * @throws the stream's GatewayError; a `server_error` GatewayError when it ended without
 *   `finish`.
 */
export async function collectMessage(parts: ReadableStream<ChatStreamPart>, options: CollectMessageOptions): Promise<AnthropicMessage> {
  const content: ContentBlock[] = [];
  const openCalls = new Map<string, { name: string; arguments: string }>();
  let reportedUsage: { promptTokens: number; completionTokens: number } | undefined;
  let finish: Extract<ChatStreamPart, { type: 'finish' }> | undefined;
  let failure: GatewayError | undefined;

  // A block start means the next text begins a new block, never joins the previous one.
  let blockStarted = false;
  const appendText = (type: 'text' | 'thinking', text: string) => {
    if (text === '') return;
    const last = blockStarted ? undefined : content.at(-1);
    blockStarted = false;
    if (type === 'text' && last?.type === 'text') last.text += text;
    else if (type === 'thinking' && last?.type === 'thinking') last.thinking += text;
    else content.push(type === 'text' ? { type, text } : { type, thinking: text, signature: '' });
  };

  const reader = parts.getReader();
  try {
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
      if (finish !== undefined || failure !== undefined) continue;
      switch (part.type) {
        case 'text-start':
        case 'reasoning-start':
          blockStarted = true;
          break;
        case 'text-end':
        case 'reasoning-end':
          break;
        case 'text-delta':
          appendText('text', part.text);
          break;
        case 'reasoning-delta':
          appendText('thinking', part.text);
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
          content.push({ type: 'tool_use', id: toToolUseId(part.id), name: call.name, input: parseToolInput(call.arguments) });
          break;
        }
        case 'usage':
          reportedUsage = { promptTokens: part.promptTokens, completionTokens: part.completionTokens };
          break;
        case 'finish':
          finish = part;
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
  if (finish === undefined) throw incompleteStreamError();

  const blocks = content.map((block) => (block.type === 'thinking' ? { ...block, signature: thinkingSignature(block.thinking) } : block));
  return {
    id: options.id,
    type: 'message',
    role: 'assistant',
    model: options.model,
    content: blocks,
    ...toStopReason(finish.finishReason, finish.stopSequence),
    usage: toAnthropicUsage(reportedUsage ?? options.countUsage()),
  };
}
