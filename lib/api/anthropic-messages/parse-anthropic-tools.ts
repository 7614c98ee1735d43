import { invalidRequest } from '@/lib/errors/gateway-error';
import type { ToolRequest } from '@/lib/providers/tool-request';
import type { ParsedMessagesRequest } from './messages-request-schema';

/** The rule the emulated tools' parser matches names against (Anthropic allows the same set). */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * `tools` and `tool_choice` as the pipeline's ToolRequest (docs/tool-calls.md "The prompt"):
 * each tool's `input_schema` is its parameters; `auto` → auto, `any` → required, `tool` →
 * that function, `none` → no tools (undefined, the request untouched); absent → auto;
 * `disable_parallel_tool_use` → `parallel: false`.
 *
 * @throws GatewayError 400: a tool without `input_schema` (Anthropic's server tools such as
 *   web search are not emulated), a bad or repeated name, a `tool` choice naming no tool.
 */
export function parseAnthropicTools(request: ParsedMessagesRequest): ToolRequest | undefined {
  const names = new Set<string>();
  const tools = (request.tools ?? []).map((tool, index) => {
    const param = `tools.${index}`;
    if (tool.input_schema == null) {
      throw invalidRequest(
        `${param}: the tool '${tool.name}' (type '${tool.type ?? 'custom'}') has no input_schema. Only client tools with an input_schema are supported here.`,
        `${param}.input_schema`,
        'unsupported_value',
      );
    }
    if (!TOOL_NAME.test(tool.name)) {
      throw invalidRequest(`${param}.name: must be 1 to 64 letters, digits, underscores or dashes.`, `${param}.name`, 'invalid_value');
    }
    if (names.has(tool.name)) throw invalidRequest(`${param}.name: the tool '${tool.name}' is given twice.`, `${param}.name`, 'invalid_value');
    names.add(tool.name);
    return { name: tool.name, ...(tool.description == null ? {} : { description: tool.description }), parameters: tool.input_schema };
  });

  const choice = request.tool_choice;
  if (choice?.type === 'tool' && !names.has(choice.name)) {
    throw invalidRequest(`tool_choice.name: the tool '${choice.name}' is not among this request's tools.`, 'tool_choice.name', 'invalid_value');
  }
  if (tools.length === 0 || choice?.type === 'none') return undefined;
  const parallel = choice?.disable_parallel_tool_use !== true;
  switch (choice?.type) {
    case undefined:
    case 'auto':
      return { tools, choice: { mode: 'auto' }, parallel };
    case 'any':
      return { tools, choice: { mode: 'required' }, parallel };
    case 'tool':
      return { tools, choice: { mode: 'function', name: choice.name }, parallel };
  }
}
