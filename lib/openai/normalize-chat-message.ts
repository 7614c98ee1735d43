import { invalidRequest } from '@/lib/errors/gateway-error';
import type { ParsedChatMessage } from '@/lib/openai/chat-request-schema';
import type { ChatMessage } from '@/lib/providers/chat-provider';

/** Roles a request may use, in the order error messages list them. */
const SUPPORTED_ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;
type SupportedRole = (typeof SUPPORTED_ROLES)[number];

/**
 * The line NextChat and Roo Code put first in the developer message for o-series models to
 * re-enable Markdown (NextChat sends it alone, Roo as `Formatting re-enabled\n<system prompt>`;
 * docs/client-compat §11). It is an instruction to OpenAI's models, noise for any other.
 */
const FORMATTING_REENABLED = 'Formatting re-enabled';

/** Consecutive text parts are joined with a newline, so words from two parts never merge. */
const TEXT_PART_SEPARATOR = '\n';

/**
 * Normalises one validated request message (index `index` in `messages`):
 * - `developer` → `system`; legacy `function` → `tool` with its `name`;
 * - content (string, null or parts) → one string: `text` parts (and `refusal` parts of
 *   assistant messages) joined with "\n", empty parts skipped, null → "";
 * - a leading `Formatting re-enabled` line is removed from system/developer text, and a
 *   message that held nothing else is dropped (returns `null`);
 * - assistant `tool_calls` (and legacy `function_call`) → `toolCalls` with string arguments
 *   (objects re-serialised, missing → ""); `tool` messages keep `toolCallId` and `name`;
 * - everything else (`reasoning_content`, `cache_control`, participant names, …) is ignored.
 *
 * @throws GatewayError 400 `invalid_value` (param `messages[i].role`) for an unknown role;
 *   400 `unsupported_content` (param `messages[i].content[j]`) for any non-text part
 *   (images, audio, files, video): the service accepts text only; 400 `invalid_type` for a
 *   text part without a string `text`.
 */
export function normalizeChatMessage(message: ParsedChatMessage, index: number): ChatMessage | null {
  const role = message.role;
  if (!isSupportedRole(role)) {
    const supported = SUPPORTED_ROLES.map((name) => `'${name}'`).join(', ');
    return fail(
      `Invalid value for 'messages[${index}].role': '${role}'. Supported values are: ${supported}.`,
      `messages[${index}].role`,
      'invalid_value',
    );
  }
  const content = flattenContent(message, index);

  switch (role) {
    case 'system':
    case 'developer': {
      const text = removeFormattingReenabled(content);
      if (text === null) return null;
      return { role: 'system', content: text };
    }
    case 'user':
      return { role: 'user', content };
    case 'assistant': {
      const toolCalls = collectToolCalls(message);
      return { role: 'assistant', content, ...(toolCalls.length > 0 ? { toolCalls } : {}) };
    }
    case 'tool':
      return {
        role: 'tool',
        content,
        ...(message.name == null ? {} : { name: message.name }),
        ...(message.tool_call_id == null ? {} : { toolCallId: message.tool_call_id }),
      };
    case 'function':
      return { role: 'tool', content, ...(message.name == null ? {} : { name: message.name }) };
  }
}

function isSupportedRole(role: string): role is SupportedRole {
  return (SUPPORTED_ROLES as readonly string[]).includes(role);
}

function flattenContent(message: ParsedChatMessage, messageIndex: number): string {
  const content = message.content;
  if (content == null) return '';
  if (typeof content === 'string') return content;

  const texts: string[] = [];
  content.forEach((part, partIndex) => {
    const param = `messages[${messageIndex}].content[${partIndex}]`;
    // Assistant messages may carry `refusal` parts (OpenAI spec); they are text too.
    const textField = part.type === 'text' ? 'text' : part.type === 'refusal' && message.role === 'assistant' ? 'refusal' : null;
    if (textField === null) {
      fail(
        `Unsupported content part at '${param}': type '${part.type}'. This service accepts text only; remove images, audio, video and files and send text instead.`,
        param,
        'unsupported_content',
      );
    }
    const text = (part as Record<string, unknown>)[textField];
    if (typeof text !== 'string') {
      fail(`Invalid type for '${param}.${textField}': expected a string.`, `${param}.${textField}`, 'invalid_type');
    }
    if (text !== '') texts.push(text);
  });
  return texts.join(TEXT_PART_SEPARATOR);
}

/** Returns the text without a leading `Formatting re-enabled` line, or null if nothing else remains. */
function removeFormattingReenabled(text: string): string | null {
  const lineEnd = text.indexOf('\n');
  const firstLine = lineEnd === -1 ? text : text.slice(0, lineEnd);
  if (firstLine.trim() !== FORMATTING_REENABLED) return text;
  const rest = lineEnd === -1 ? '' : text.slice(lineEnd + 1);
  return rest.trim() === '' ? null : rest;
}

function collectToolCalls(message: ParsedChatMessage): NonNullable<ChatMessage['toolCalls']> {
  const toolCalls = (message.tool_calls ?? []).map((call) => ({
    id: call.id ?? '',
    name: call.function.name,
    arguments: serializeArguments(call.function.arguments),
  }));
  if (message.function_call != null) {
    toolCalls.push({
      id: '',
      name: message.function_call.name,
      arguments: serializeArguments(message.function_call.arguments),
    });
  }
  return toolCalls;
}

function serializeArguments(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value == null) return '';
  return JSON.stringify(value);
}

function fail(message: string, param: string, code: string): never {
  throw invalidRequest(message, param, code);
}
