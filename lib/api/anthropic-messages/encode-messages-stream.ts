import { incompleteStreamError } from '@/lib/chat/incomplete-stream-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { assertNever } from '@/lib/providers/stream-blocks';
import { anthropicErrorEvent } from './anthropic-error';
import type { AnthropicMessage } from './message-types';
import { PING_EVENT, sseNamedEvent } from './sse-named-event';
import { thinkingSignature } from './thinking-signature';
import { toAnthropicUsage } from './to-anthropic-usage';
import { toStopReason } from './to-stop-reason';
import { toToolUseId } from './tool-use-id';

export interface MessagesStreamEncoderOptions {
  /** The `msg_…` id. */
  id: string;
  /** The model id as the client asked for it. */
  model: string;
  /** Token counts (the pipeline's estimate); used when the stream carried no `usage` part. */
  countUsage: () => { promptTokens: number; completionTokens: number };
}

type OpenBlock = { index: number; kind: 'text' } | { index: number; kind: 'thinking'; thinking: string } | { index: number; kind: 'tool_use'; callId: string };

/**
 * Encodes the pipeline's parts as Anthropic Messages SSE events, each output string one whole
 * event, so keep-alive pings can go between them. The order is the one Claude Code and the
 * SDK's MessageStream rely on:
 *
 * - at once: `message_start` (the message with empty content and integer usage, the prompt's
 *   estimated `input_tokens`), then a `ping`;
 * - each block: `content_block_start`, its deltas, `content_block_stop`, with indices counted
 *   from 0 and never reused. Text and reasoning blocks open on their first non-empty text (an
 *   empty one is never sent); reasoning is a `thinking` block (`thinking_delta`) whose
 *   `signature_delta` comes just before its stop; a tool call is a `tool_use` block (id
 *   `toolu_…` from the call id, `input: {}`) whose arguments come as `input_json_delta`s;
 * - `finish` → `message_delta` (`stop_reason`, `stop_sequence`, usage) and `message_stop`;
 * - `error`, or input that ends with neither, → one `event: error`, and nothing after it.
 * Parts after `finish` or `error` are ignored.
 */
export function createMessagesStreamEncoder(options: MessagesStreamEncoderOptions): TransformStream<ChatStreamPart, string> {
  let reportedUsage: { promptTokens: number; completionTokens: number } | undefined;
  let ended = false;
  let nextIndex = 0;
  let open: OpenBlock | undefined;

  const start = (controller: TransformStreamDefaultController<string>, block: Record<string, unknown>, opened: OpenBlock) => {
    open = opened;
    controller.enqueue(sseNamedEvent('content_block_start', { type: 'content_block_start', index: opened.index, content_block: block }));
  };
  const delta = (controller: TransformStreamDefaultController<string>, index: number, body: Record<string, unknown>) =>
    controller.enqueue(sseNamedEvent('content_block_delta', { type: 'content_block_delta', index, delta: body }));
  const stop = (controller: TransformStreamDefaultController<string>) => {
    if (open === undefined) return;
    if (open.kind === 'thinking') delta(controller, open.index, { type: 'signature_delta', signature: thinkingSignature(open.thinking) });
    controller.enqueue(sseNamedEvent('content_block_stop', { type: 'content_block_stop', index: open.index }));
    open = undefined;
  };

  return new TransformStream<ChatStreamPart, string>({
    start(controller) {
      const message: AnthropicMessage = {
        id: options.id,
        type: 'message',
        role: 'assistant',
        model: options.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: toAnthropicUsage({ promptTokens: options.countUsage().promptTokens, completionTokens: 0 }),
      };
      controller.enqueue(sseNamedEvent('message_start', { type: 'message_start', message }));
      controller.enqueue(PING_EVENT);
    },

    transform(part, controller) {
      if (ended) return;
      switch (part.type) {
        case 'text-start':
        case 'reasoning-start':
          return;
        case 'text-delta':
          if (part.text === '') return;
          if (open?.kind !== 'text') {
            stop(controller);
            start(controller, { type: 'text', text: '' }, { index: nextIndex++, kind: 'text' });
          }
          delta(controller, open!.index, { type: 'text_delta', text: part.text });
          return;
        case 'reasoning-delta':
          if (part.text === '') return;
          if (open?.kind !== 'thinking') {
            stop(controller);
            start(controller, { type: 'thinking', thinking: '', signature: '' }, { index: nextIndex++, kind: 'thinking', thinking: '' });
          }
          if (open?.kind === 'thinking') open.thinking += part.text;
          delta(controller, open!.index, { type: 'thinking_delta', thinking: part.text });
          return;
        case 'text-end':
        case 'reasoning-end':
        case 'tool-call-end':
          stop(controller);
          return;
        case 'tool-call-start':
          stop(controller);
          start(
            controller,
            { type: 'tool_use', id: toToolUseId(part.id), name: part.name, input: {} },
            { index: nextIndex++, kind: 'tool_use', callId: part.id },
          );
          return;
        case 'tool-call-delta':
          if (open?.kind === 'tool_use' && open.callId === part.id && part.argumentsDelta !== '') {
            delta(controller, open.index, { type: 'input_json_delta', partial_json: part.argumentsDelta });
          }
          return;
        case 'usage':
          reportedUsage = { promptTokens: part.promptTokens, completionTokens: part.completionTokens };
          return;
        case 'finish': {
          ended = true;
          stop(controller);
          const usage = toAnthropicUsage(reportedUsage ?? options.countUsage());
          controller.enqueue(
            sseNamedEvent('message_delta', { type: 'message_delta', delta: toStopReason(part.finishReason, part.stopSequence), usage }),
          );
          controller.enqueue(sseNamedEvent('message_stop', { type: 'message_stop' }));
          return;
        }
        case 'error':
          ended = true;
          controller.enqueue(anthropicErrorEvent(part.error));
          return;
        default:
          assertNever(part);
      }
    },

    flush(controller) {
      if (!ended) controller.enqueue(anthropicErrorEvent(incompleteStreamError()));
    },
  });
}
