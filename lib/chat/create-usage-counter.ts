import type { ChatMessage, ChatStreamPart } from '@/lib/providers/chat-provider';
import { assertNever } from '@/lib/providers/stream-blocks';
import { countTokens } from './count-tokens';
import { renderPromptText } from './render-prompt-text';

/** Token counts of one chat, in the pipeline's own terms (each API shape names them its way). */
export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface UsageCounter {
  /** Passes every part through unchanged, keeping the generated text. */
  readonly counting: TransformStream<ChatStreamPart, ChatStreamPart>;
  /**
   * The estimate: the prompt's tokens, and those of everything generated so far (final once
   * the stream has ended). The prompt is counted once, on the first call.
   */
  usage(): ChatUsage;
}

/**
 * Estimates a chat's usage for the encoders, which report it when the upstream sent no `usage`
 * part (docs/client-compat item 13; XIPU never does).
 *
 * - Prompt: `messages` as `renderPromptText()` writes them: roles, contents, tool calls and
 *   tool results, what the provider receives of the conversation.
 * - Completion: every text, reasoning and tool call (its name and arguments) the answer
 *   generated, in stream order, as the parts passed through `counting`. Reasoning counts
 *   because the model generated it, as OpenAI counts reasoning tokens among completion tokens;
 *   notices the pipeline adds (empty answer, time limit) count as the client sees them.
 */
export function createUsageCounter(messages: readonly ChatMessage[]): UsageCounter {
  let promptTokens: number | undefined;
  let completionText = '';

  const counting = new TransformStream<ChatStreamPart, ChatStreamPart>({
    transform(part, controller) {
      switch (part.type) {
        case 'text-delta':
        case 'reasoning-delta':
          completionText += part.text;
          break;
        case 'tool-call-start':
          completionText += part.name;
          break;
        case 'tool-call-delta':
          completionText += part.argumentsDelta;
          break;
        case 'text-start':
        case 'text-end':
        case 'reasoning-start':
        case 'reasoning-end':
        case 'tool-call-end':
        case 'usage':
        case 'finish':
        case 'error':
          break;
        default:
          assertNever(part);
      }
      controller.enqueue(part);
    },
  });

  return {
    counting,
    usage() {
      promptTokens ??= countTokens(renderPromptText(messages));
      return { promptTokens, completionTokens: countTokens(completionText) };
    },
  };
}
