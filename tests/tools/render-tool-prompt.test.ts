import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { renderToolPrompt } from '@/lib/tools/render-tool-prompt';
import type { ToolChoice, ToolDefinition, ToolRequest } from '@/lib/providers/tool-request';

const weather: ToolDefinition = {
  name: 'get_weather',
  description: 'Current weather of a city.',
  parameters: {
    type: 'object',
    properties: {
      city: { type: 'string' },
      days: { type: 'integer' },
      metric: { type: 'boolean' },
      hours: { type: 'array', items: { type: 'number' } },
      options: { type: 'object' },
      unit: { enum: ['celsius', 'fahrenheit'] },
      note: { type: ['null', 'string'] },
      optional: { type: 'string' },
    },
    required: ['city', 'days', 'metric', 'hours', 'options', 'unit', 'note'],
  },
};
const time: ToolDefinition = { name: 'get_time', parameters: { type: 'object', properties: {} } };

function toolRequest(choice: ToolChoice = { mode: 'auto' }, parallel = true, tools = [weather, time]): ToolRequest {
  return { tools, choice, parallel };
}

/** The doc's block (docs/tool-calls.md "The text format"), read back with a plain regex. */
const BLOCK = /<tool_calls trigger="([^"]+)">\n((?:<invoke name="[^"]+">\n.*\n<\/invoke>\n)+)<\/tool_calls>/g;
const INVOKE = /<invoke name="([^"]+)">\n(.*)\n<\/invoke>\n/g;

function blocksIn(text: string): Array<{ trigger: string; calls: Array<{ name: string; arguments: unknown }> }> {
  return [...text.matchAll(BLOCK)].map((match) => ({
    trigger: match[1] ?? '',
    calls: [...(match[2] ?? '').matchAll(INVOKE)].map((invoke) => ({ name: invoke[1] ?? '', arguments: JSON.parse(invoke[2] ?? '') as unknown })),
  }));
}

describe('renderToolPrompt: the catalogue', () => {
  it('lists every tool with its name, description, parameter schema and required fields', () => {
    const prompt = renderToolPrompt({ tools: toolRequest() }, 'xg7');
    expect(prompt).toContain(`## get_weather\nCurrent weather of a city.\nParameters (JSON Schema): ${JSON.stringify(weather.parameters)}\nRequired fields: city, days, metric, hours, options, unit, note`);
    expect(prompt).toContain(`## get_time\nParameters (JSON Schema): ${JSON.stringify(time.parameters)}\nRequired fields: none`);
    expect(prompt.indexOf('## get_weather')).toBeLessThan(prompt.indexOf('## get_time'));
  });

  it('shows only the tools it is given (allowed_tools arrive already cut)', () => {
    const prompt = renderToolPrompt({ tools: toolRequest({ mode: 'required' }, true, [time]) }, 'xg7');
    expect(prompt).toContain('## get_time');
    expect(prompt).not.toContain('get_weather');
  });
});

describe('renderToolPrompt: the choice', () => {
  const phrases = {
    auto: 'Call a tool when a tool helps you answer',
    required: 'You must call at least one tool',
    function: 'You must call the tool get_time',
  };
  it.each<[string, ToolChoice, keyof typeof phrases]>([
    ['auto', { mode: 'auto' }, 'auto'],
    ['required', { mode: 'required' }, 'required'],
    ['a named function', { mode: 'function', name: 'get_time' }, 'function'],
  ])('%s: says when to call, and nothing of the other modes', (_name, choice, phrase) => {
    const prompt = renderToolPrompt({ tools: toolRequest(choice) }, 'xg7');
    for (const [mode, text] of Object.entries(phrases)) {
      if (mode === phrase) expect(prompt).toContain(text);
      else expect(prompt).not.toContain(text);
    }
  });

  it('parallel false asks for at most one call; parallel true allows several', () => {
    const single = renderToolPrompt({ tools: toolRequest({ mode: 'auto' }, false) }, 'xg7');
    const several = renderToolPrompt({ tools: toolRequest({ mode: 'auto' }, true) }, 'xg7');
    expect(single).toContain('at most one call');
    expect(single).not.toContain('several calls');
    expect(several).toContain('several calls in one block');
    expect(several).not.toContain('at most one call');
  });
});

describe('renderToolPrompt: the format and its example', () => {
  it('states the rules: exact opening tag, JSON arguments, not in <think> or code, nothing after the block', () => {
    const prompt = renderToolPrompt({ tools: toolRequest() }, 'xg7');
    expect(prompt).toContain('exactly as written here: <tool_calls trigger="xg7">');
    expect(prompt).toMatch(/one JSON object/);
    expect(prompt).toMatch(/Never write the block inside <think> or inside a code block/);
    expect(prompt).toMatch(/Write nothing after <\/tool_calls>/);
    expect(prompt).toMatch(/<tool_result name="TOOL_NAME" call_id="\.\.\.">/);
  });

  it("has one complete example with the first tool, whose arguments parse and satisfy the tool's schema", () => {
    const prompt = renderToolPrompt({ tools: toolRequest() }, 'xg7');
    const blocks = blocksIn(prompt);
    expect(blocks).toHaveLength(1);
    const [block] = blocks;
    expect(block?.trigger).toBe('xg7');
    expect(block?.calls).toEqual([
      { name: 'get_weather', arguments: { city: '...', days: 0, metric: false, hours: [], options: {}, unit: 'celsius', note: '...' } },
    ]);
    const validate = new Ajv({ strict: false }).compile(weather.parameters);
    expect(validate(block?.calls[0]?.arguments)).toBe(true);
  });

  it('a first tool without required properties gets {} as its example arguments', () => {
    const blocks = blocksIn(renderToolPrompt({ tools: toolRequest({ mode: 'auto' }, true, [time, weather]) }, 'xg7'));
    expect(blocks[0]?.calls).toEqual([{ name: 'get_time', arguments: {} }]);
  });

  it('writes the given trigger everywhere, and only it', () => {
    const prompt = renderToolPrompt({ tools: toolRequest() }, 'T3st_trigger');
    expect(blocksIn(prompt)[0]?.trigger).toBe('T3st_trigger');
    expect(prompt).not.toContain('xg7');
  });

  it('is the same text for the same request (deterministic)', () => {
    const request = { tools: toolRequest({ mode: 'required' }, false), responseFormat: { type: 'json_object' } as const };
    expect(renderToolPrompt(request, 'xg7')).toBe(renderToolPrompt(structuredClone(request), 'xg7'));
  });
});

describe('renderToolPrompt: structured output', () => {
  const citySchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

  it('json_object alone: one JSON object and nothing else, no tool instructions', () => {
    const prompt = renderToolPrompt({ responseFormat: { type: 'json_object' } }, 'xg7');
    expect(prompt).toMatch(/^# Answer format\nAnswer with one JSON value and nothing else/);
    expect(prompt).toContain('must be a JSON object');
    expect(prompt).not.toContain('<tool_calls');
    expect(prompt).not.toContain('# Tools');
  });

  it('json_schema: the schema, and for strict the exactness rule', () => {
    const strict = renderToolPrompt({ responseFormat: { type: 'json_schema', name: 'city', schema: citySchema, strict: true } }, 'xg7');
    expect(strict).toContain(`(named city):\n${JSON.stringify(citySchema)}`);
    expect(strict).toContain('Follow the schema exactly');
    const loose = renderToolPrompt({ responseFormat: { type: 'json_schema', name: 'city', schema: citySchema, strict: false } }, 'xg7');
    expect(loose).toContain(JSON.stringify(citySchema));
    expect(loose).not.toContain('Follow the schema exactly');
  });

  it('with tools: the JSON rule applies to a text answer, after the tool sections', () => {
    const prompt = renderToolPrompt({ tools: toolRequest(), responseFormat: { type: 'json_object' } }, 'xg7');
    expect(prompt).toContain('When you answer in text rather than calling a tool, answer with one JSON value and nothing else');
    expect(prompt.indexOf('# Answer format')).toBeGreaterThan(prompt.indexOf('# How to call'));
  });

  it('neither tools nor a response format: no text', () => {
    expect(renderToolPrompt({}, 'xg7')).toBe('');
  });
});
