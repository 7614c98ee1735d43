import type { ChatRequest } from '@/lib/providers/chat-provider';

/** Longest quote of the problem in the re-ask: enough to name it, not to flood the prompt. */
const MAX_PROBLEM_CHARS = 600;

/**
 * The request of the one re-ask (docs/tool-calls.md "`tool_choice` and the one re-ask"): the
 * same conversation and instructions, plus one user message that says what was wrong and
 * restates the rule. It goes to a new upstream chat, which remembers nothing of the failed
 * answer, so the message stands on its own.
 *
 * The rule follows what the run holds out for: a tool call when `tool_choice` requires one,
 * else the JSON of `response_format`.
 */
export function reaskRequest(request: ChatRequest, problem: string): ChatRequest {
  const wantsCall = request.tools !== undefined && request.tools.choice.mode !== 'auto';
  const rule = wantsCall ? 'Call the tool now using exactly the format above.' : 'Answer with only the JSON value.';
  const trimmed = problem.trim().replace(/\.+$/, '');
  const quoted = trimmed.length > MAX_PROBLEM_CHARS ? `${trimmed.slice(0, MAX_PROBLEM_CHARS)}…` : trimmed;
  return {
    ...request,
    messages: [...request.messages, { role: 'user', content: `Your previous answer was not accepted: ${quoted}. ${rule}` }],
  };
}
