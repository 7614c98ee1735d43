import { invalidRequest } from '@/lib/errors/gateway-error';
import type { ParsedChatMessage } from '@/lib/api/chat-completions/chat-request-schema';

/**
 * Every `role: "tool"` message must answer a call made earlier in the same request: the
 * history is folded back into the prompt statelessly, and a result is shown with its tool's
 * name, found by `tool_call_id` among the earlier assistant `tool_calls`
 * (docs/tool-calls.md "The prompt"). Called only for requests with tools; without them a
 * result is flattened as it is. Legacy `function` results carry their name and are not checked.
 *
 * @throws GatewayError 400 `invalid_request_error`, param `messages[i].tool_call_id`: the id is
 *   missing, or no earlier assistant message made a call with it.
 */
export function checkToolResultIds(messages: readonly ParsedChatMessage[]): void {
  const callIds = new Set<string>();
  messages.forEach((message, index) => {
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) {
        if (call.id != null && call.id !== '') callIds.add(call.id);
      }
      return;
    }
    if (message.role !== 'tool') return;
    const param = `messages[${index}].tool_call_id`;
    const id = message.tool_call_id;
    if (id == null) {
      throw invalidRequest(`Missing required parameter: '${param}'. A tool result must name the call it answers.`, param, 'missing_required_parameter');
    }
    if (!callIds.has(id)) {
      throw invalidRequest(
        `Invalid '${param}': ${JSON.stringify(id)} matches no tool call of an earlier assistant message in this request. Each tool result must answer a call in an earlier 'tool_calls'.`,
        param,
        'invalid_value',
      );
    }
  });
}
