import { invalidRequest } from '@/lib/errors/gateway-error';
import type { ChatMessage } from '@/lib/providers/chat-provider';
import { parseAt } from './parse-at';
import {
  customToolCallItemSchema,
  customToolCallOutputItemSchema,
  functionCallItemSchema,
  functionCallOutputItemSchema,
  messageItemSchema,
} from './responses-request-schema';
import type { InputItem } from './responses-request-schema';
import { toCustomToolArguments } from './custom-tool-arguments';

/** Item types the gateway reads, in the order error messages list them. */
const ITEM_TYPES = ['message', 'function_call', 'function_call_output', 'custom_tool_call', 'custom_tool_call_output', 'reasoning', 'item_reference'] as const;

/** Consecutive text parts are joined with a newline, as on Chat Completions. */
const TEXT_PART_SEPARATOR = '\n';

/**
 * `instructions`, a stored conversation and `input` as the pipeline's messages:
 * - `instructions` → a first `system` message;
 * - a string input → one `user` message;
 * - `message` items: roles `system`/`developer` → `system`, `user`, `assistant`; content a
 *   string or `input_text`/`output_text` (and assistant `refusal`) parts, joined with "\n";
 * - `function_call` and `custom_tool_call` items → `toolCalls` of an assistant message (joined
 *   onto the assistant message right before them, as Chat Completions carries them); a custom
 *   call's raw `input` becomes the emulated arguments `{"input": …}` (custom-tool-arguments.ts);
 * - `function_call_output` / `custom_tool_call_output` → `tool` messages with `toolCallId`;
 * - `reasoning` items are skipped: the model's earlier thoughts are not shown to it again
 *   (Codex sends them back encrypted, which means nothing to another model).
 *
 * `prior` (a stored conversation, `previous_response_id`) comes before `input`, after
 * `instructions`; `item_reference` items must have been resolved into the items they name
 * (resolve-stored-input.ts).
 *
 * @throws GatewayError 400 naming the item (`input[i]…`): an unknown item type or role, a
 *   non-text part (`input_image`, files, audio: the service reads text only), a missing field,
 *   an output whose `call_id` answers no earlier call of this conversation, or an unresolved
 *   `item_reference`.
 */
export function convertInputItems(input: string | InputItem[], instructions: string | undefined, body: unknown, prior: readonly InputItem[] = []): ChatMessage[] {
  const messages: ChatMessage[] = instructions === undefined || instructions === '' ? [] : [{ role: 'system', content: instructions }];
  if (typeof input === 'string' && prior.length === 0) return [...messages, { role: 'user', content: input }];
  const items = [...prior, ...(typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : input)];

  const callIds = new Set<string>();
  items.forEach((item, itemIndex) => {
    // Stored items were checked when they were stored; errors name the client's own items.
    const index = itemIndex - prior.length;
    const path = index < 0 ? ['previous_response_id'] : ['input', index];
    const type = item.type ?? (typeof item.role === 'string' ? 'message' : undefined);
    switch (type) {
      case 'message': {
        const message = parseAt(messageItemSchema, item, path, body);
        messages.push(toChatMessage(message.role, message.content, index));
        return;
      }
      case 'function_call': {
        const call = parseAt(functionCallItemSchema, item, path, body);
        callIds.add(call.call_id);
        addToolCall(messages, { id: call.call_id, name: call.name, arguments: call.arguments });
        return;
      }
      case 'custom_tool_call': {
        const call = parseAt(customToolCallItemSchema, item, path, body);
        callIds.add(call.call_id);
        addToolCall(messages, { id: call.call_id, name: call.name, arguments: toCustomToolArguments(call.input) });
        return;
      }
      case 'function_call_output':
      case 'custom_tool_call_output': {
        const schema = type === 'function_call_output' ? functionCallOutputItemSchema : customToolCallOutputItemSchema;
        const output = parseAt(schema, item, path, body);
        if (!callIds.has(output.call_id)) {
          throw invalidRequest(
            `Invalid 'input[${index}].call_id': ${JSON.stringify(output.call_id)} matches no function_call or custom_tool_call earlier in 'input' or the previous response.`,
            `input[${index}].call_id`,
            'invalid_value',
          );
        }
        messages.push({ role: 'tool', content: flattenParts(output.output, `input[${index}].output`, false), toolCallId: output.call_id });
        return;
      }
      case 'reasoning':
        return;
      case 'item_reference':
        throw unknownItemReference(index, item.id);
      default: {
        const param = `input[${index}].type`;
        const supported = ITEM_TYPES.map((name) => `'${name}'`).join(', ');
        if (type === undefined) throw invalidRequest(`Missing required parameter: '${param}'. Supported values are: ${supported}.`, param, 'missing_required_parameter');
        throw invalidRequest(`Invalid value for '${param}': ${JSON.stringify(type)}. Supported values are: ${supported}.`, param, 'invalid_value');
      }
    }
  });
  return messages;
}

/** The 400 for an `item_reference` that names no output item of a stored response this request can see. */
export function unknownItemReference(index: number, id: unknown) {
  return invalidRequest(`Item with id ${JSON.stringify(id)} not found ('input[${index}].id').`, `input[${index}].id`, 'invalid_value');
}

function toChatMessage(role: string, content: string | Array<{ type: string }>, index: number): ChatMessage {
  const param = `input[${index}].content`;
  switch (role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: flattenParts(content, param, false) };
    case 'user':
      return { role: 'user', content: flattenParts(content, param, false) };
    case 'assistant':
      return { role: 'assistant', content: flattenParts(content, param, true) };
    default:
      throw invalidRequest(
        `Invalid value for 'input[${index}].role': ${JSON.stringify(role)}. Supported values are: 'user', 'assistant', 'system', 'developer'.`,
        `input[${index}].role`,
        'invalid_value',
      );
  }
}

/** Appends a call to the assistant message just before it, or starts one. */
function addToolCall(messages: ChatMessage[], call: { id: string; name: string; arguments: string }): void {
  const last = messages[messages.length - 1];
  if (last?.role === 'assistant') {
    last.toolCalls = [...(last.toolCalls ?? []), call];
    return;
  }
  messages.push({ role: 'assistant', content: '', toolCalls: [call] });
}

function flattenParts(content: string | Array<{ type: string } & Record<string, unknown>>, param: string, assistant: boolean): string {
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  content.forEach((part, partIndex) => {
    const partParam = `${param}[${partIndex}]`;
    const field = part.type === 'input_text' || part.type === 'output_text' || part.type === 'text' ? 'text' : part.type === 'refusal' && assistant ? 'refusal' : null;
    if (field === null) {
      throw invalidRequest(
        `Unsupported content part at '${partParam}': type '${part.type}'. This service accepts text only; remove images, audio and files and send text instead.`,
        partParam,
        'unsupported_content',
      );
    }
    const text = part[field];
    if (typeof text !== 'string') throw invalidRequest(`Invalid type for '${partParam}.${field}': expected a string.`, `${partParam}.${field}`, 'invalid_type');
    if (text !== '') texts.push(text);
  });
  return texts.join(TEXT_PART_SEPARATOR);
}
