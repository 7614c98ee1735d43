import { invalidRequest } from '@/lib/errors/gateway-error';
import type { ChatMessage } from '@/lib/providers/chat-provider';
import type { ParsedContentBlock, ParsedMessagesRequest } from './messages-request-schema';
import { toCallId } from './tool-use-id';

/** How text blocks of one message are joined, as the chat shape joins text parts. */
const TEXT_SEPARATOR = '\n';
/** Marks a `tool_result` with `is_error: true`, so the model sees that the tool failed. */
const TOOL_ERROR_PREFIX = 'Error: ';

/**
 * `system` and `messages` as the pipeline's ChatMessages:
 * - `system` (a string or text blocks) → one system message first;
 * - `text` blocks → the message's content; `thinking` and `redacted_thinking` blocks are
 *   dropped (no provider takes earlier reasoning back);
 * - an assistant's `tool_use` → a `toolCalls` entry, its `input` as JSON text and its id as
 *   the pipeline's `call_…` id (./tool-use-id.ts);
 * - a user's `tool_result` → a `tool` message (content a string or text blocks, `is_error`
 *   marked), before the user's own text, with the tool's name from the call it answers.
 *
 * @throws GatewayError 400 naming the block (`messages[i].content[j]`): an image, document
 *   or other non-text block, a `tool_use` in a user message or a `tool_result` in an
 *   assistant's, a wrongly typed field, or a `tool_result` whose `tool_use_id` matches no
 *   earlier `tool_use` (Anthropic refuses it too).
 */
export function convertMessages(request: ParsedMessagesRequest): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const system = request.system == null ? '' : textOf(request.system, 'system');
  if (system !== '') messages.push({ role: 'system', content: system });

  const callNames = new Map<string, string>();
  request.messages.forEach((message, index) => {
    const blocks = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    const texts: string[] = [];
    const toolCalls: NonNullable<ChatMessage['toolCalls']> = [];
    const results: ChatMessage[] = [];
    blocks.forEach((block, blockIndex) => {
      const param = `messages[${index}].content[${blockIndex}]`;
      switch (block.type) {
        case 'text':
          texts.push(stringField(block, 'text', param));
          return;
        case 'thinking':
        case 'redacted_thinking':
          return;
        case 'tool_use': {
          if (message.role !== 'assistant') throw wrongRole(param, 'tool_use', 'assistant');
          const id = toCallId(stringField(block, 'id', param));
          const name = stringField(block, 'name', param);
          callNames.set(id, name);
          toolCalls.push({ id, name, arguments: serializeToolInput(block.input, param) });
          return;
        }
        case 'tool_result': {
          if (message.role !== 'user') throw wrongRole(param, 'tool_result', 'user');
          const id = toCallId(stringField(block, 'tool_use_id', param));
          const name = callNames.get(id);
          if (name === undefined) {
            throw invalidRequest(
              `${param}: tool_result's tool_use_id ${JSON.stringify(block.tool_use_id)} matches no tool_use block of an earlier assistant message.`,
              `${param}.tool_use_id`,
              'invalid_value',
            );
          }
          const content = block.content == null ? '' : textOf(block.content, `${param}.content`);
          results.push({ role: 'tool', toolCallId: id, name, content: block.is_error === true ? `${TOOL_ERROR_PREFIX}${content}` : content });
          return;
        }
        default:
          throw unsupportedBlock(param, block.type);
      }
    });
    messages.push(...results);
    const content = texts.filter((text) => text !== '').join(TEXT_SEPARATOR);
    if (message.role === 'assistant') {
      if (content !== '' || toolCalls.length > 0) messages.push({ role: 'assistant', content, ...(toolCalls.length > 0 ? { toolCalls } : {}) });
    } else if (content !== '' || results.length === 0) {
      messages.push({ role: 'user', content });
    }
  });
  return messages;
}

/** A string, or blocks of which only `text` ones are accepted, as one text. */
function textOf(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw invalidRequest(`${param}: expected a string or an array of text blocks.`, param, 'invalid_type');
  return content
    .map((block: unknown, index) => {
      const blockParam = `${param}[${index}]`;
      if (typeof block !== 'object' || block === null) throw invalidRequest(`${blockParam}: expected a content block.`, blockParam, 'invalid_type');
      const typed = block as ParsedContentBlock;
      if (typed.type !== 'text') throw unsupportedBlock(blockParam, String(typed.type));
      return stringField(typed, 'text', blockParam);
    })
    .filter((text) => text !== '')
    .join(TEXT_SEPARATOR);
}

function stringField(block: ParsedContentBlock, field: string, param: string): string {
  const value = (block as Record<string, unknown>)[field];
  if (typeof value !== 'string') throw invalidRequest(`${param}.${field}: expected a string.`, `${param}.${field}`, 'invalid_type');
  return value;
}

function unsupportedBlock(param: string, type: string) {
  return invalidRequest(
    `${param}: content blocks of type '${type}' are not supported. This service accepts text only; remove images and documents and send text instead.`,
    param,
    'unsupported_content',
  );
}

function wrongRole(param: string, type: string, role: string) {
  return invalidRequest(`${param}: a '${type}' block belongs in a message with role '${role}'.`, param, 'invalid_value');
}

/** A `tool_use` block's input as JSON text; input nested past what JSON.stringify walks is the client's 400. */
function serializeToolInput(input: unknown, param: string): string {
  try {
    return JSON.stringify(input ?? {});
  } catch {
    throw invalidRequest('A tool_use block\'s input is nested too deeply to serialise.', param);
  }
}
