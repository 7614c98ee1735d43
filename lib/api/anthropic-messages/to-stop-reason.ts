import type { FinishReason } from '@/lib/providers/chat-provider';
import { assertNever } from '@/lib/providers/stream-blocks';
import type { StopReason } from './message-types';

/**
 * The finish part as Anthropic's `stop_reason` and `stop_sequence`: `stop` is `stop_sequence`
 * when one of the client's stop sequences ended the answer, else `end_turn`; `length` →
 * `max_tokens`; `tool_calls` → `tool_use`; `content_filter` → `refusal`.
 */
export function toStopReason(finishReason: FinishReason, stopSequence: string | undefined): { stop_reason: StopReason; stop_sequence: string | null } {
  switch (finishReason) {
    case 'stop':
      return stopSequence === undefined ? { stop_reason: 'end_turn', stop_sequence: null } : { stop_reason: 'stop_sequence', stop_sequence: stopSequence };
    case 'length':
      return { stop_reason: 'max_tokens', stop_sequence: null };
    case 'tool_calls':
      return { stop_reason: 'tool_use', stop_sequence: null };
    case 'content_filter':
      return { stop_reason: 'refusal', stop_sequence: null };
    default:
      return assertNever(finishReason);
  }
}
