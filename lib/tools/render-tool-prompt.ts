import { formatToolCallBlock } from '@/lib/tools/format-tool-calls';
import type { JsonSchema, ResponseFormat, ToolChoice, ToolDefinition, ToolRequest } from '@/lib/providers/tool-request';

/** Between two sections of the prompt, and between a tool's entries in the catalogue. */
const SECTION_SEPARATOR = '\n\n';

/**
 * The system message that asks a text-only model for tool calls and structured output
 * (docs/tool-calls.md "The prompt"): the upstream has no function calling, so the request's
 * tools become instructions the model reads, and the answer's text is watched for the block
 * they describe.
 *
 * With tools: the catalogue (per tool its name, description, parameter JSON Schema and
 * required fields), when to call (by the choice: `auto`, `required`, a named function), the
 * format and its rules, one complete example built with formatToolCallBlock from the first
 * tool (placeholder arguments for its required properties), and the parallel rule. With a
 * `responseFormat` (also without tools): "answer with one JSON value and nothing else", and
 * the schema for `json_schema`. Neither: "" (the caller then adds nothing).
 *
 * The text depends only on the request and the trigger, so the same request always gives the
 * same prompt (and the same upstream text).
 */
export function renderToolPrompt(request: { tools?: ToolRequest; responseFormat?: ResponseFormat }, trigger: string): string {
  const sections: string[] = [];
  const tools = request.tools;
  if (tools !== undefined && tools.tools.length > 0) sections.push(...renderToolSections(tools, trigger));
  if (request.responseFormat !== undefined) sections.push(renderResponseFormat(request.responseFormat, tools !== undefined));
  return sections.join(SECTION_SEPARATOR);
}

function renderToolSections(request: ToolRequest, trigger: string): string[] {
  const catalogue = request.tools.map(renderToolEntry).join(SECTION_SEPARATOR);
  const first = request.tools[0];
  const example = first === undefined ? '' : formatToolCallBlock([{ name: first.name, arguments: JSON.stringify(placeholderArguments(first.parameters)) }], trigger);
  const openingTag = `<tool_calls trigger="${trigger}">`;
  const rules = [
    `- Start the block with the opening tag exactly as written here: ${openingTag}. Close it with </tool_calls>.`,
    '- Write one <invoke name="TOOL_NAME"> ... </invoke> per call, with the exact name of a tool listed above.',
    "- The body of each <invoke> is one JSON object: the call's arguments. It must be valid JSON and satisfy the tool's parameter schema, with every required field.",
    '- Never write the block inside <think> or inside a code block, and never write it only to show or explain the format.',
    '- Write nothing after </tool_calls>: end your answer there. The results come back in the next message, each as <tool_result name="TOOL_NAME" call_id="..."> ... </tool_result>. Never write a <tool_result> yourself.',
    request.parallel
      ? '- You may make several calls in one block: one <invoke> for each.'
      : '- Make at most one call per answer: one <invoke> in the block, never more.',
  ];
  return [
    [
      '# Tools',
      'You can call tools: functions that act or fetch information for you. You write a call as text in the format below; the system runs it and sends you the result.',
      '',
      'The tools:',
    ].join('\n'),
    catalogue,
    ['# When to call', renderChoice(request.choice)].join('\n'),
    [
      '# How to call',
      'To call tools, end your answer with exactly one block like the example below (any text you write goes before it). The rules:',
      ...rules,
      '',
      `Example: a complete answer that calls ${first?.name ?? 'a tool'}:`,
      example,
    ].join('\n'),
  ];
}

function renderToolEntry(tool: ToolDefinition): string {
  const lines = [`## ${tool.name}`];
  if (tool.description !== undefined && tool.description.trim() !== '') lines.push(tool.description.trim());
  lines.push(`Parameters (JSON Schema): ${JSON.stringify(tool.parameters)}`);
  const required = requiredProperties(tool.parameters);
  lines.push(`Required fields: ${required.length === 0 ? 'none' : required.join(', ')}`);
  return lines.join('\n');
}

function renderChoice(choice: ToolChoice): string {
  switch (choice.mode) {
    case 'auto':
      return 'Call a tool when a tool helps you answer; otherwise answer in text without a call.';
    case 'required':
      return 'You must call at least one tool in this answer: an answer without a tool call is not accepted.';
    case 'function':
      return `You must call the tool ${choice.name} in this answer: an answer without a call of ${choice.name} is not accepted.`;
  }
}

function renderResponseFormat(format: ResponseFormat, withTools: boolean): string {
  const lead = withTools ? 'When you answer in text rather than calling a tool, answer' : 'Answer';
  const lines = ['# Answer format', `${lead} with one JSON value and nothing else: no text before or after it, no code fence.`];
  switch (format.type) {
    case 'json_object':
      lines.push('The value must be a JSON object.');
      break;
    case 'json_schema':
      lines.push(`The value must satisfy this JSON Schema (named ${format.name}):`, JSON.stringify(format.schema));
      if (format.strict) lines.push('Follow the schema exactly: every required field, and no field it does not define.');
      break;
  }
  return lines.join('\n');
}

/** `required` of an object schema: the names it lists, in its order. */
function requiredProperties(schema: JsonSchema): string[] {
  const required = schema.required;
  return Array.isArray(required) ? required.filter((name): name is string => typeof name === 'string') : [];
}

/**
 * Arguments for the example: every required property with a placeholder of its type
 * (`"..."`, `0`, `false`, `[]`, `{}`, `null`; a `const`, an enum's first value), so the example shows a
 * complete call without suggesting real values.
 */
function placeholderArguments(schema: JsonSchema): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const argumentsObject: Record<string, unknown> = {};
  for (const name of requiredProperties(schema)) {
    const property = properties[name];
    argumentsObject[name] = placeholderValue(isRecord(property) ? property : {});
  }
  return argumentsObject;
}

function placeholderValue(schema: JsonSchema): unknown {
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const type = types.find((candidate) => candidate !== 'null') ?? types[0];
  switch (type) {
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    case 'object':
      return {};
    case 'null':
      return null;
    default:
      return '...';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
