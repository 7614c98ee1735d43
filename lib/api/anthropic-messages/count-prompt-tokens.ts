import { countTokens } from '@/lib/chat/count-tokens';
import { renderPromptText } from '@/lib/chat/render-prompt-text';
import type { ChatRequest } from '@/lib/providers/chat-provider';
import { applyToolPrompt } from '@/lib/tools/apply-tool-prompt';

/**
 * `/v1/messages/count_tokens`'s `input_tokens`: the gateway's token estimate (docs/client-compat
 * item 13) of the prompt as the pipeline renders it — with tools, after the tool prompt and
 * history folding are applied (docs/tool-calls.md "The prompt"), as runChat would send it.
 * No upstream call: Claude Code calls this often.
 */
export function countPromptTokens(request: ChatRequest, toolTrigger: string): number {
  const prompt = request.tools === undefined ? request : applyToolPrompt(request, toolTrigger);
  return countTokens(renderPromptText(prompt.messages));
}
