import { foldToolHistory } from '@/lib/tools/fold-tool-history';
import { renderToolPrompt } from '@/lib/tools/render-tool-prompt';
import type { ChatMessage, ChatRequest } from '@/lib/providers/chat-provider';

/**
 * The request as a text-only provider must receive it when it asks for tools or a JSON
 * answer (docs/tool-calls.md "The prompt"): the history folded back into text
 * (foldToolHistory) and the instructions of renderToolPrompt as one system message, placed
 * after the client's leading system messages (first when there is none), so the client's
 * own instructions still come first.
 *
 * Without `tools` and `responseFormat` it returns the same object, untouched: clients with
 * their own prompt-based tool formats (Cline XML, Cherry "prompt" mode) rely on the request
 * reaching the model byte for byte. Otherwise it returns a copy; the given request is not
 * changed.
 */
export function applyToolPrompt(request: ChatRequest, trigger: string): ChatRequest {
  if (request.tools === undefined && request.responseFormat === undefined) return request;
  const prompt: ChatMessage = { role: 'system', content: renderToolPrompt(request, trigger) };
  const messages = foldToolHistory(request.messages, trigger);
  const leadingSystem = countLeadingSystemMessages(messages);
  return { ...request, messages: [...messages.slice(0, leadingSystem), prompt, ...messages.slice(leadingSystem)] };
}

function countLeadingSystemMessages(messages: readonly ChatMessage[]): number {
  const index = messages.findIndex((message) => message.role !== 'system');
  return index === -1 ? messages.length : index;
}
