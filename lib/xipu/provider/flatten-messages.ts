import type { ChatMessage } from '@/lib/providers/chat-provider';

/** Between two blocks: one blank line, as the ancestor adapter joined them — docs/xipu-protocol §2. */
const BLOCK_SEPARATOR = '\n\n';

/** Between two system messages inside the one `System:` block. */
const SYSTEM_PART_SEPARATOR = '\n\n';

/**
 * Writes the whole conversation as one text, because each request gets a fresh XIPU session
 * and the service answers one text per session — docs/xipu-protocol §1–2.
 *
 * The text is blocks of `Role:\ncontent` separated by one blank line:
 * - every `system` message, in order, merged into one leading `System:` block (none when there
 *   is no system message);
 * - `User:` and `Assistant:` blocks in conversation order; an assistant's tool calls follow its
 *   content, one per line, as `[called tool <name> with <arguments> (<id>)]` with the arguments
 *   exactly as the client sent them (an assistant message with only calls has only those lines);
 * - `Tool (<name>, <id>):` blocks for tool results. When the message has no `name`, the name is
 *   taken from the earlier assistant call with the same `toolCallId`; unknown parts are left
 *   out (`Tool (<id>):`, `Tool:`).
 *
 * Content is copied verbatim and never truncated (the service swallows very long texts and
 * truncating was a wrong turn — §2). The same messages always give the same text.
 *
 * No trailing `Assistant:` cue is added: the text is sent as the user's message of a chat
 * session, so the model answers as the assistant anyway, and a dangling role label invites it
 * to echo labels back into its answer. The ancestor adapter, which worked, sent none either.
 */
export function flattenMessages(messages: ChatMessage[]): string {
  const systemContents = messages
    .filter((message) => message.role === 'system')
    .map((message) => message.content);
  const blocks: string[] = [];
  if (systemContents.length > 0) {
    blocks.push(formatBlock('System', systemContents.join(SYSTEM_PART_SEPARATOR)));
  }

  const toolNamesByCallId = new Map<string, string>();
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        break;
      case 'user':
        blocks.push(formatBlock('User', message.content));
        break;
      case 'assistant':
        for (const toolCall of message.toolCalls ?? []) {
          toolNamesByCallId.set(toolCall.id, toolCall.name);
        }
        blocks.push(formatBlock('Assistant', formatAssistantContent(message)));
        break;
      case 'tool': {
        const calledToolName =
          message.toolCallId === undefined ? undefined : toolNamesByCallId.get(message.toolCallId);
        const toolName = message.name !== undefined && message.name.length > 0 ? message.name : calledToolName;
        blocks.push(formatBlock(formatToolLabel(toolName, message.toolCallId), message.content));
        break;
      }
    }
  }
  return blocks.join(BLOCK_SEPARATOR);
}

function formatBlock(label: string, content: string): string {
  return `${label}:\n${content}`;
}

/** The assistant's text, then one line per tool call. */
function formatAssistantContent(message: ChatMessage): string {
  const lines = (message.toolCalls ?? []).map(
    (toolCall) => `[called tool ${toolCall.name} with ${toolCall.arguments} (${toolCall.id})]`,
  );
  if (message.content.length > 0) lines.unshift(message.content);
  return lines.join('\n');
}

/** `Tool (name, id)`, leaving out whichever of the two is unknown. */
function formatToolLabel(toolName: string | undefined, toolCallId: string | undefined): string {
  const details = [toolName, toolCallId].filter(
    (detail): detail is string => detail !== undefined && detail.length > 0,
  );
  return details.length === 0 ? 'Tool' : `Tool (${details.join(', ')})`;
}
