import { formatToolCallBlock } from '@/lib/tools/format-tool-calls';
import type { ChatMessage } from '@/lib/providers/chat-provider';

/** Between an assistant's text and the block of its calls. */
const CONTENT_SEPARATOR = '\n\n';

/** The arguments written for a call the client sent without any (the block's body is one object). */
const EMPTY_ARGUMENTS = '{}';

/**
 * Folds a conversation's tool history back into plain text (docs/tool-calls.md "The prompt"),
 * statelessly from the request: the upstream keeps nothing between requests and knows no
 * tool roles, and the model should see its earlier calls in exactly the format it is asked
 * to write.
 *
 * - An assistant message with `toolCalls`: its content, a blank line, then the block of
 *   formatToolCallBlock with those names and arguments (no ids; arguments sent empty become
 *   `{}`); without content, the block alone. `toolCalls` is removed.
 * - A `tool` message becomes a `user` message
 *   `<tool_result name="…" call_id="…">\n<content>\n</tool_result>`, its name looked up by
 *   `toolCallId` among the earlier calls (else the message's own `name`, as legacy function
 *   results have); an attribute whose value is unknown is left out.
 * - Every other message is returned as it is (the same object).
 */
export function foldToolHistory(messages: ChatMessage[], trigger: string): ChatMessage[] {
  const namesByCallId = new Map<string, string>();
  return messages.map((message) => {
    if (message.role === 'assistant' && message.toolCalls !== undefined && message.toolCalls.length > 0) {
      for (const call of message.toolCalls) {
        if (call.id !== '') namesByCallId.set(call.id, call.name);
      }
      return foldAssistantCalls(message, message.toolCalls, trigger);
    }
    if (message.role === 'tool') {
      const calledName = message.toolCallId === undefined ? undefined : namesByCallId.get(message.toolCallId);
      return { role: 'user', content: formatToolResult(calledName ?? message.name, message.toolCallId, message.content) };
    }
    return message;
  });
}

function foldAssistantCalls(message: ChatMessage, calls: NonNullable<ChatMessage['toolCalls']>, trigger: string): ChatMessage {
  const block = formatToolCallBlock(
    calls.map((call) => ({ name: call.name, arguments: call.arguments.trim() === '' ? EMPTY_ARGUMENTS : call.arguments })),
    trigger,
  );
  const { toolCalls: _toolCalls, ...rest } = message;
  return { ...rest, content: message.content === '' ? block : `${message.content}${CONTENT_SEPARATOR}${block}` };
}

function formatToolResult(name: string | undefined, callId: string | undefined, content: string): string {
  const attributes = [
    ...(name === undefined || name === '' ? [] : [`name="${name}"`]),
    ...(callId === undefined || callId === '' ? [] : [`call_id="${callId}"`]),
  ];
  const openingTag = attributes.length === 0 ? '<tool_result>' : `<tool_result ${attributes.join(' ')}>`;
  return `${openingTag}\n${content}\n</tool_result>`;
}
