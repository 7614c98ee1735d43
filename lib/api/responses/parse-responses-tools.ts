import { invalidRequest } from '@/lib/errors/gateway-error';
import type { ToolChoice, ToolDefinition, ToolRequest } from '@/lib/providers/tool-request';
import { customToolParameters } from './custom-tool-arguments';
import { parseAt } from './parse-at';
import { customToolSchema, functionToolSchema, type ParsedResponsesRequest } from './responses-request-schema';

/** OpenAI's rule for tool names; the emulation's prompt and parser rely on it. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export interface ResponsesTools {
  /** Absent: no tools (none given, only hosted ones, or `tool_choice: "none"`). */
  tools?: ToolRequest;
  /** Names of the freeform `custom` tools, whose calls go back as `custom_tool_call` items. */
  customToolNames: ReadonlySet<string>;
}

/**
 * `tools`, `tool_choice` and `parallel_tool_calls` as the pipeline's ToolRequest
 * (docs/tool-calls.md "The prompt"):
 * - `function` tools as they are (no `parameters` → an object without properties);
 * - `custom` tools (Codex's `apply_patch`) as a function with one string argument `input`
 *   (custom-tool-arguments.ts); the description gains the format's grammar, if any, so the
 *   model knows what to write;
 * - every other type (`web_search`, `file_search`, `local_shell`, MCP, …) is hosted by OpenAI
 *   and is left out without an error: Codex sends `web_search` in every request, and a 400
 *   would stop it. The model just cannot call them.
 * - `tool_choice`: `none` → no tools; `auto`, `required`; `{type:'function'|'custom', name}` →
 *   that tool; `allowed_tools` cuts the list. `parallel_tool_calls` defaults to true.
 *
 * @throws GatewayError 400 naming the field: a bad or repeated name, a function tool without
 *   `name`, a choice naming a tool that is not in `tools`.
 */
export function parseResponsesTools(request: ParsedResponsesRequest, body: unknown): ResponsesTools {
  const definitions: ToolDefinition[] = [];
  const customToolNames = new Set<string>();
  const seen = new Set<string>();
  (request.tools ?? []).forEach((tool, index) => {
    if (tool.type !== 'function' && tool.type !== 'custom') return;
    const param = `tools[${index}].name`;
    const definition = tool.type === 'function' ? fromFunctionTool(parseAt(functionToolSchema, tool, ['tools', index], body)) : fromCustomTool(parseAt(customToolSchema, tool, ['tools', index], body));
    if (!TOOL_NAME.test(definition.name)) {
      throw invalidRequest(`Invalid '${param}': ${JSON.stringify(definition.name)}. Tool names are 1 to 64 letters, digits, '_' or '-'.`, param, 'invalid_value');
    }
    if (seen.has(definition.name)) {
      throw invalidRequest(`Invalid '${param}': the tool name '${definition.name}' is given twice. Tool names must be unique.`, param, 'invalid_value');
    }
    seen.add(definition.name);
    if (tool.type === 'custom') customToolNames.add(definition.name);
    definitions.push(definition);
  });

  const choice = request.tool_choice ?? 'auto';
  const requireKnown = (name: string, param: string) => {
    if (seen.has(name)) return;
    const known = seen.size === 0 ? 'it has none' : [...seen].map((known) => `'${known}'`).join(', ');
    throw invalidRequest(`Invalid '${param}': the tool '${name}' is not among the function and custom tools of this request (${known}).`, param, 'invalid_value');
  };
  let mode: ToolChoice;
  let allowed = definitions;
  if (typeof choice === 'string') {
    if (choice === 'none') return { customToolNames };
    mode = { mode: choice };
  } else if (choice.type === 'allowed_tools') {
    choice.tools.forEach((tool, index) => requireKnown(tool.name, `tool_choice.tools[${index}].name`));
    const names = new Set(choice.tools.map((tool) => tool.name));
    allowed = definitions.filter((definition) => names.has(definition.name));
    mode = { mode: choice.mode };
  } else {
    requireKnown(choice.name, 'tool_choice.name');
    mode = { mode: 'function', name: choice.name };
  }
  if (allowed.length === 0) return { customToolNames };
  return { tools: { tools: allowed, choice: mode, parallel: request.parallel_tool_calls ?? true }, customToolNames };
}

function fromFunctionTool(tool: { name: string; description?: string | null; parameters?: Record<string, unknown> | null; strict?: boolean | null }): ToolDefinition {
  return {
    name: tool.name,
    ...(tool.description == null ? {} : { description: tool.description }),
    parameters: tool.parameters ?? { type: 'object', properties: {} },
    ...(tool.strict == null ? {} : { strict: tool.strict }),
  };
}

function fromCustomTool(tool: { name: string; description?: string | null; format?: { type: string; syntax?: string | null; definition?: string | null } | null }): ToolDefinition {
  const grammar =
    tool.format?.type === 'grammar' && tool.format.definition != null
      ? `\n\nThe text must follow this ${tool.format.syntax ?? ''} grammar:\n${tool.format.definition}`
      : '';
  const description = `${tool.description ?? ''}\n\nThis tool takes free text, not JSON: put the whole text in the string argument "input".${grammar}`.trim();
  return { name: tool.name, description, parameters: customToolParameters() };
}
