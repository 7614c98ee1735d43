import { randomInt } from 'node:crypto';
import type { ToolCall, ToolDefinition } from '@/lib/providers/tool-request';
import { parseJsonLeniently } from './repair-json';
import { validateArguments } from './validate-arguments';

/** What one block gave: the valid calls, and a line per call that was not one (for the re-ask). */
export interface ParsedToolCalls {
  calls: ToolCall[];
  problems: string[];
}

/**
 * Reads the calls out of one block (docs/tool-calls.md "Parsing"). `block` is the text from the
 * opening tag to the closing tag, or to the end when the answer stopped inside the block.
 *
 * - Each `<invoke name="…">` up to its `</invoke>` (or the next `<invoke`, `</tool_calls>`, the
 *   end) is one call; tags are read regardless of case, whitespace and quote style
 *   (`<invoke name=x>`, `</ invoke>`), and a body wrapped in a code fence is unwrapped. A block
 *   with no `<invoke>` whose body is OpenAI-style JSON (`{"name", "arguments"}`, or a list of
 *   them) is read as those calls.
 * - The name must be a tool's: exactly, else the one tool whose name matches ignoring case.
 * - The arguments: one JSON object, repaired when needed (./repair-json.ts), valid against the
 *   tool's schema (./validate-arguments.ts). `ToolCall.arguments` is that object as JSON.
 * - A call that fails any of these is a problem, not a call: the caller turns a block without
 *   calls back into text, so nothing is dropped silently.
 * - `parallel: false`: only the first valid call is kept (invokes after it are not read).
 */
export function parseToolCallBlock(
  block: string,
  tools: readonly ToolDefinition[],
  options: { newId?: () => string; parallel?: boolean } = {},
): ParsedToolCalls {
  const newId = options.newId ?? newToolCallId;
  const parallel = options.parallel ?? true;
  const calls: ToolCall[] = [];
  const problems: string[] = [];
  const written = readInvokes(block);
  if (written.length === 0) {
    problems.push('the <tool_calls> block holds no <invoke name="…"> call');
    return { calls, problems };
  }
  for (const [index, call] of written.entries()) {
    const label = `call ${index + 1}${call.name === undefined ? '' : ` (${call.name})`}`;
    const checked = checkCall(call, tools);
    if ('problem' in checked) {
      problems.push(`${label}: ${checked.problem}`);
      continue;
    }
    calls.push({ id: newId(), name: checked.name, arguments: checked.arguments });
    if (!parallel) break;
  }
  return { calls, problems };
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `call_` and 24 random letters and digits: unique in a conversation, as clients send ids back. */
export function newToolCallId(): string {
  let id = 'call_';
  for (let index = 0; index < 24; index += 1) id += ID_ALPHABET.charAt(randomInt(ID_ALPHABET.length));
  return id;
}

/** One call as written: its name (if any) and its argument text, or arguments already parsed. */
interface WrittenCall {
  name: string | undefined;
  body: string | { value: unknown };
}

const INVOKE_OPENING = /<\s*invoke\b([^>]*)>/gi;
const NAME_ATTRIBUTE = /\bname\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>/]+))/i;
const BODY_END = /<\/\s*invoke\s*>|<\s*invoke\b|<\/\s*tool_calls\s*>/i;
const OPENING_TAG = /^\s*<\s*tool_calls\b[^>]*>/i;
const CLOSING_TAG = /<\/\s*tool_calls\s*>[\s\S]*$/i;

function readInvokes(block: string): WrittenCall[] {
  const written: WrittenCall[] = [];
  for (const opening of block.matchAll(INVOKE_OPENING)) {
    const nameMatch = NAME_ATTRIBUTE.exec(opening[1] ?? '');
    const name = nameMatch === null ? undefined : (nameMatch[1] ?? nameMatch[2] ?? nameMatch[3] ?? '').trim();
    const bodyStart = opening.index + opening[0].length;
    const rest = block.slice(bodyStart);
    const end = BODY_END.exec(rest);
    written.push({ name, body: rest.slice(0, end === null ? rest.length : end.index) });
  }
  if (written.length > 0) return written;
  return readOpenAiStyleCalls(block.replace(OPENING_TAG, '').replace(CLOSING_TAG, ''));
}

/** `{"name": "x", "arguments": {…}}` or a list of them, as a model used to OpenAI's format may write. */
function readOpenAiStyleCalls(body: string): WrittenCall[] {
  const parsed = parseJsonLeniently(unwrapFence(body));
  if (!parsed.ok || body.trim() === '') return [];
  const items = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  const written: WrittenCall[] = [];
  for (const item of items) {
    if (!isPlainObject(item) || typeof item.name !== 'string') return [];
    const args = item.arguments ?? item.parameters ?? {};
    written.push({ name: item.name, body: typeof args === 'string' ? args : { value: args } });
  }
  return written;
}

function checkCall(call: WrittenCall, tools: readonly ToolDefinition[]): { name: string; arguments: string } | { problem: string } {
  if (call.name === undefined || call.name === '') return { problem: 'the <invoke> tag has no name="…"' };
  const tool = findTool(call.name, tools);
  if ('problem' in tool) return tool;
  let value: unknown;
  if (typeof call.body === 'string') {
    const parsed = parseJsonLeniently(unwrapFence(call.body));
    if (!parsed.ok) return { problem: `the arguments are not valid JSON (${parsed.error})` };
    value = parsed.value;
  } else {
    value = call.body.value;
  }
  if (!isPlainObject(value)) return { problem: 'the arguments must be one JSON object' };
  const invalid = validateArguments(tool.tool.parameters, value, { toolName: tool.tool.name });
  if (invalid.length > 0) return { problem: `the arguments do not match the schema: ${invalid.join('; ')}` };
  return { name: tool.tool.name, arguments: JSON.stringify(value) };
}

function findTool(name: string, tools: readonly ToolDefinition[]): { tool: ToolDefinition } | { problem: string } {
  const exact = tools.find((tool) => tool.name === name);
  if (exact !== undefined) return { tool: exact };
  const lowered = name.toLowerCase();
  const similar = tools.filter((tool) => tool.name.toLowerCase() === lowered);
  if (similar.length === 1 && similar[0] !== undefined) return { tool: similar[0] };
  const names = tools.map((tool) => tool.name).join(', ');
  if (similar.length > 1) return { problem: `the name matches several tools ignoring case (${similar.map((tool) => tool.name).join(', ')})` };
  return { problem: `there is no tool named "${name}" (the tools: ${names === '' ? 'none' : names})` };
}

/** A body the model wrapped in ``` or ~~~ (with or without a language) is the text inside. */
function unwrapFence(body: string): string {
  const fenced = /^\s*(```|~~~)[\w-]*[^\S\n]*\n([\s\S]*?)\n?[^\S\n]*\1\s*$/.exec(body);
  return fenced === null ? body : (fenced[2] ?? '');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
