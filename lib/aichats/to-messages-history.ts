import type { ChatMessage } from '@/lib/providers/chat-provider';

/** One turn of ai-chats.org's `messagesHistory`: the site knows two speakers only. */
export interface AichatsTurn {
  from: 'you' | 'chatGPT';
  content: string;
}

/** Between a system text and the turn it is folded into, and between two system texts. */
const PART_SEPARATOR = '\n\n';

/**
 * The conversation as ai-chats.org's `messagesHistory` (docs/aichats.md "Messages"). The site
 * has no system or tool role (the seed sent `user` as `you` and every other role as
 * `chatGPT`, which made the client's instructions look like the model's own words), so:
 *
 * - `user` → a `you` turn, `assistant` → a `chatGPT` turn, content verbatim;
 * - a `system` message is folded into the next `you` turn, ahead of its text and a blank
 *   line (several in a row are joined the same way), so the instructions stay in place and
 *   are read as the user's; with no `you` turn after it, it is a `you` turn of its own;
 * - an assistant's tool calls follow its text, one line each,
 *   `[called tool <name> with <arguments>]`; a `tool` result is a `you` turn
 *   `Tool result (<name>):\n<content>` (the name from the message, else from the earlier call
 *   with its `toolCallId`). When the client asked for tools the pipeline has already folded
 *   this history into text (lib/tools/fold-tool-history.ts); this covers a history sent
 *   without `tools`.
 *
 * Turns left empty (an assistant message with neither text nor calls) are dropped.
 */
export function toMessagesHistory(messages: readonly ChatMessage[]): AichatsTurn[] {
  const turns: AichatsTurn[] = [];
  const calledNames = new Map<string, string>();
  let pendingSystem: string[] = [];
  const pushYou = (content: string) => {
    turns.push({ from: 'you', content: [...pendingSystem, content].filter((part) => part !== '').join(PART_SEPARATOR) });
    pendingSystem = [];
  };
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        pendingSystem.push(message.content);
        break;
      case 'user':
        pushYou(message.content);
        break;
      case 'tool': {
        const name = message.name || (message.toolCallId === undefined ? undefined : calledNames.get(message.toolCallId));
        pushYou(`Tool result${name ? ` (${name})` : ''}:\n${message.content}`);
        break;
      }
      case 'assistant': {
        const calls = message.toolCalls ?? [];
        for (const call of calls) calledNames.set(call.id, call.name);
        const content = [message.content, ...calls.map((call) => `[called tool ${call.name} with ${call.arguments}]`)].filter((part) => part !== '').join('\n');
        if (content !== '') turns.push({ from: 'chatGPT', content });
        break;
      }
    }
  }
  if (pendingSystem.length > 0) pushYou('');
  return turns;
}
