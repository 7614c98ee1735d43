import type { ChatMessage } from '@/lib/providers/chat-provider';

/**
 * The conversation as one text to count prompt tokens in: for every message, in order, its
 * role, its tool name and call id (tool results), its content, and each of its tool calls'
 * name, arguments and id, one piece a line, empty pieces left out.
 *
 * That is everything of the request a provider is given to answer (XIPU's flattening,
 * lib/xipu/provider/flatten-messages.ts, writes the same pieces under its own labels), so an
 * agent's tool calls and results count, not only the message texts. It is no provider's exact
 * prompt: the count is an estimate (docs/client-compat item 13). The client's reasoning from
 * earlier turns is not here: normalisation drops it, and no provider receives it.
 */
export function renderPromptText(messages: readonly ChatMessage[]): string {
  return messages.flatMap(messagePieces).join('\n');
}

function messagePieces(message: ChatMessage): string[] {
  const calls = (message.toolCalls ?? []).flatMap((call) => [call.name, call.arguments, call.id]);
  return [message.role, message.name, message.toolCallId, message.content, ...calls].filter(
    (piece): piece is string => piece !== undefined && piece !== '',
  );
}
