import { invalidRequest } from '@/lib/errors/gateway-error';
import type { ParsedChatRequest } from '@/lib/api/chat-completions/chat-request-schema';
import type { ToolChoice, ToolDefinition, ToolRequest } from '@/lib/providers/tool-request';

/** OpenAI's rule for function names: the parser matches names against it, and so does the prompt. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The schema a function without `parameters` gets: an object with no declared properties (a new one each time). */
function noParameters(): ToolDefinition['parameters'] {
  return { type: 'object', properties: {} };
}

/** The choice as the wire gave it, before it is checked against the tools. */
type WireChoice =
  | { kind: 'none' }
  | { kind: 'mode'; mode: ToolChoice }
  | { kind: 'allowed'; mode: 'auto' | 'required'; names: string[] };

/**
 * The request's tools as a ToolRequest (docs/tool-calls.md "The prompt"): `tools` and the
 * legacy `functions` together, the choice from `tool_choice` (else the legacy `function_call`,
 * else `auto`), `parallel_tool_calls` (default true).
 *
 * Returns `undefined`, so the request stays untouched, when no tool is given (absent, null or
 * `[]`) or the choice is `none`. `allowed_tools` cuts the list to the allowed tools (in the
 * order of `tools`) and sets the mode. A function without `parameters` gets
 * `{type: 'object', properties: {}}`.
 *
 * @throws GatewayError 400 `invalid_request_error`, before anything is sent upstream, naming
 *   the field: a name that is not 1–64 letters, digits, `_` or `-`
 *   (`tools[i].function.name`, `functions[i].name`); a name given twice; a named choice that
 *   is not among the tools (`tool_choice`, `function_call`); `allowed_tools` naming an unknown
 *   tool (`tool_choice.allowed_tools.tools[k].function.name`). These are checked even when the
 *   choice is `none`: the request is wrong either way.
 */
export function parseToolRequest(request: ParsedChatRequest): ToolRequest | undefined {
  const definitions = collectDefinitions(request);
  const choice = readChoice(request);
  const names = new Set(definitions.map((definition) => definition.name));

  if (choice.kind === 'mode' && choice.mode.mode === 'function' && !names.has(choice.mode.name)) {
    const param = request.tool_choice == null ? 'function_call' : 'tool_choice';
    throw invalidRequest(
      `Invalid '${param}': the function '${choice.mode.name}' is not among the tools of this request (${describeNames(names)}).`,
      param,
      'invalid_value',
    );
  }
  if (choice.kind === 'allowed') {
    choice.names.forEach((name, index) => {
      if (names.has(name)) return;
      const param = `tool_choice.allowed_tools.tools[${index}].function.name`;
      throw invalidRequest(
        `Invalid '${param}': the function '${name}' is not among the tools of this request (${describeNames(names)}).`,
        param,
        'invalid_value',
      );
    });
  }

  if (definitions.length === 0 || choice.kind === 'none') return undefined;
  const parallel = request.parallel_tool_calls ?? true;
  if (choice.kind === 'allowed') {
    const allowed = new Set(choice.names);
    return {
      tools: definitions.filter((definition) => allowed.has(definition.name)),
      choice: { mode: choice.mode },
      parallel,
    };
  }
  return { tools: definitions, choice: choice.mode, parallel };
}

/** `tools` then `functions`, as ToolDefinitions, with their names checked. */
function collectDefinitions(request: ParsedChatRequest): ToolDefinition[] {
  const entries = [
    ...(request.tools ?? []).map((tool, index) => ({ definition: tool.function, param: `tools[${index}].function.name` })),
    ...(request.functions ?? []).map((definition, index) => ({ definition, param: `functions[${index}].name` })),
  ];
  const seen = new Map<string, string>();
  return entries.map(({ definition, param }) => {
    const name = definition.name;
    if (!TOOL_NAME.test(name)) {
      throw invalidRequest(
        `Invalid '${param}': ${JSON.stringify(name)} is not a valid function name. Use 1 to 64 letters, digits, underscores or dashes.`,
        param,
        'invalid_value',
      );
    }
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      throw invalidRequest(
        `Invalid '${param}': the function name '${name}' is given twice (also at '${earlier}'). Function names must be unique.`,
        param,
        'invalid_value',
      );
    }
    seen.set(name, param);
    return {
      name,
      ...(definition.description == null ? {} : { description: definition.description }),
      parameters: definition.parameters ?? noParameters(),
      ...(definition.strict == null ? {} : { strict: definition.strict }),
    };
  });
}

function readChoice(request: ParsedChatRequest): WireChoice {
  const choice = request.tool_choice;
  if (choice != null) {
    if (choice === 'none') return { kind: 'none' };
    if (choice === 'auto' || choice === 'required') return { kind: 'mode', mode: { mode: choice } };
    if (choice.type === 'function') return { kind: 'mode', mode: { mode: 'function', name: choice.function.name } };
    return {
      kind: 'allowed',
      mode: choice.allowed_tools.mode,
      names: choice.allowed_tools.tools.map((tool) => tool.function.name),
    };
  }
  const legacy = request.function_call;
  if (legacy === 'none') return { kind: 'none' };
  if (legacy != null && legacy !== 'auto') return { kind: 'mode', mode: { mode: 'function', name: legacy.name } };
  return { kind: 'mode', mode: { mode: 'auto' } };
}

function describeNames(names: ReadonlySet<string>): string {
  return names.size === 0 ? 'it has none' : [...names].map((name) => `'${name}'`).join(', ');
}
