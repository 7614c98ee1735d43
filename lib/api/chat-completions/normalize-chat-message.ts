import { invalidRequest } from '@/lib/errors/gateway-error';
import type { ParsedChatMessage } from '@/lib/api/chat-completions/chat-request-schema';
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
 * - content (string, null or parts, where requireContent allows them) → one string: `text`
 *   parts (and `refusal` parts of assistant messages) joined with "\n", empty parts
 *   skipped, null or absent → "";
 * - a leading `Formatting re-enabled` line is removed from system/developer text, and a
 *   message that held nothing else is dropped (returns `null`);
 * - assistant `tool_calls` (and legacy `function_call`) → `toolCalls` with string arguments
 *   (objects re-serialised, missing → ""); `tool` messages keep `toolCallId` and `name`;
 * - everything else (`reasoning_content`, `cache_control`, participant names, …) is ignored.
 *
 * @throws GatewayError 400 `invalid_value` (param `messages[i].role`) for an unknown role;
 *   400 (param `messages[i].content`) for a message that must have content and has none
 *   (requireContent below); 400 `unsupported_content` (param `messages[i].content[j]`) for
 *   any non-text part (images, audio, files, video): the service accepts text only;
 *   400 `invalid_type` for a text part without a string `text`.
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
  requireContent(message, index);
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

/**
 * The content rule of OpenAI's API (it answers 400 naming `messages[i].content`; the message
 * types of openai/openai-openapi): only an assistant message that makes tool calls — a
 * non-empty `tool_calls` or a legacy `function_call` — may omit its content. Per message:
 * - assistant with tool calls: content may be absent, null, "" or parts; clients send each
 *   of these for a tool-call turn (null in OpenAI's own examples, "" from LangChain and the
 *   AI SDK). `[]` is taken as "no content" too, where OpenAI's `minItems: 1` would refuse it:
 *   accepting it loses nothing, and a client that builds parts from text pieces may send it;
 * - legacy `function` result: the key is required but null is allowed (typed `string | null`);
 * - every other message (system, developer, user, tool, assistant without tool calls): a
 *   string (also "") or at least one part. Absent → `missing_required_parameter`, null →
 *   `invalid_type`, `[]` → `empty_array` (OpenAI's `minItems: 1` for part arrays).
 * `tool_calls: []` is accepted (OpenAI refuses it, but clients that always serialise the
 * field send it) and means no tool calls, so the last rule applies.
 */
function requireContent(message: ParsedChatMessage, index: number): void {
  const content = message.content;
  const param = `messages[${index}].content`;
  if (message.role === 'assistant' && hasToolCalls(message)) return;
  const hint = " Only an assistant message with 'tool_calls' (or 'function_call') may omit its content.";
  if (content === undefined) {
    fail(`Missing required parameter: '${param}'.${hint}`, param, 'missing_required_parameter');
  }
  if (content === null) {
    if (message.role === 'function') return;
    fail(`Invalid type for '${param}': expected a string or an array of content parts, but got null.${hint}`, param, 'invalid_type');
  }
  if (Array.isArray(content) && content.length === 0) {
    fail(`Invalid '${param}': empty array. Expected at least 1 content part, or a string.`, param, 'empty_array');
  }
}

function hasToolCalls(message: ParsedChatMessage): boolean {
  return (message.tool_calls?.length ?? 0) > 0 || message.function_call != null;
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
  try {
    return JSON.stringify(value);
  } catch {
    // Nested past what JSON.stringify can walk (a RangeError): the client's input, not our fault.
    throw invalidRequest('A tool call\'s arguments are nested too deeply to serialise; send them as a JSON string.', 'messages', 'invalid_tool_arguments');
  }
}

function fail(message: string, param: string, code: string): never {
  throw invalidRequest(message, param, code);
}
