import { describe, expect, it } from 'vitest';
import { formatToolCallBlock } from '@/lib/tools/format-tool-calls';
import { newToolCallId, parseToolCallBlock } from '@/lib/tools/parse-tool-calls';
import { TOOLS, TRIGGER } from './fixtures/tools';

const OPEN = `<tool_calls trigger="${TRIGGER}">`;

/** The calls' names and arguments (ids are random). */
function namesAndArguments(block: string, options: { parallel?: boolean } = {}) {
  const { calls, problems } = parseToolCallBlock(block, TOOLS, options);
  return { calls: calls.map((call) => [call.name, JSON.parse(call.arguments) as unknown]), problems };
}

describe('parseToolCallBlock: tolerant reading', () => {
  it.each<[name: string, block: string, calls: Array<[string, unknown]>]>([
    ['the format as written', `${OPEN}\n<invoke name="get_time">\n{"zone": "UTC"}\n</invoke>\n</tool_calls>`, [['get_time', { zone: 'UTC' }]]],
    ['no newlines', `${OPEN}<invoke name="get_time">{"zone":"UTC"}</invoke></tool_calls>`, [['get_time', { zone: 'UTC' }]]],
    ['extra whitespace everywhere', `${OPEN}\n\n  <invoke   name = "get_time" >\n\n   {"zone": "UTC"}  \n\n  </invoke >\n\n</tool_calls>`, [['get_time', { zone: 'UTC' }]]],
    ['tags in other case', `<TOOL_CALLS trigger="xg7"><INVOKE NAME="get_time">{"zone":"UTC"}</INVOKE></TOOL_CALLS>`, [['get_time', { zone: 'UTC' }]]],
    ['single-quoted name', `${OPEN}<invoke name='get_time'>{"zone":"UTC"}</invoke></tool_calls>`, [['get_time', { zone: 'UTC' }]]],
    ['unquoted name', `${OPEN}<invoke name=get_time>{"zone":"UTC"}</invoke></tool_calls>`, [['get_time', { zone: 'UTC' }]]],
    ['a space in the closing tag', `${OPEN}<invoke name="get_time">{"zone":"UTC"}</ invoke></tool_calls>`, [['get_time', { zone: 'UTC' }]]],
    ['no closing tags at all (cut off)', `${OPEN}\n<invoke name="get_time">\n{"zone": "UTC"}\n`, [['get_time', { zone: 'UTC' }]]],
    ['a missing </invoke> between two calls', `${OPEN}<invoke name="get_time">{"zone":"UTC"}\n<invoke name="get_weather">{"city":"Oslo"}</invoke></tool_calls>`, [['get_time', { zone: 'UTC' }], ['get_weather', { city: 'Oslo' }]]],
    ['a body in a code fence', `${OPEN}\n<invoke name="get_time">\n\`\`\`json\n{"zone": "UTC"}\n\`\`\`\n</invoke>\n</tool_calls>`, [['get_time', { zone: 'UTC' }]]],
    ['the name ignoring case', `${OPEN}<invoke name="Get_Weather">{"city":"Oslo"}</invoke></tool_calls>`, [['get_weather', { city: 'Oslo' }]]],
    ['the name with spaces around it', `${OPEN}<invoke name=" get_time ">{"zone":"UTC"}</invoke></tool_calls>`, [['get_time', { zone: 'UTC' }]]],
    ['repaired JSON', `${OPEN}<invoke name="get_weather">{city: 'Oslo', unit: "celsius",}</invoke></tool_calls>`, [['get_weather', { city: 'Oslo', unit: 'celsius' }]]],
    ['a missing closing brace', `${OPEN}<invoke name="get_weather">{"city": "Oslo"</invoke></tool_calls>`, [['get_weather', { city: 'Oslo' }]]],
    ['OpenAI-style JSON instead of invokes', `${OPEN}\n{"name": "get_time", "arguments": {"zone": "UTC"}}\n</tool_calls>`, [['get_time', { zone: 'UTC' }]]],
    ['a list of OpenAI-style calls with string arguments', `${OPEN}[{"name": "get_time", "arguments": "{\\"zone\\": \\"UTC\\"}"}, {"name": "get_weather", "parameters": {"city": "Oslo"}}]</tool_calls>`, [['get_time', { zone: 'UTC' }], ['get_weather', { city: 'Oslo' }]]],
  ])('%s', (_name, block, calls) => {
    expect(namesAndArguments(block)).toEqual({ calls, problems: [] });
  });

  it('reads an empty body as {} (a tool without required arguments)', () => {
    const tools = [{ name: 'list_files', parameters: { type: 'object', properties: {} } }];
    const { calls, problems } = parseToolCallBlock(`${OPEN}<invoke name="list_files">\n\n</invoke></tool_calls>`, tools);
    expect(problems).toEqual([]);
    expect(calls.map((call) => call.arguments)).toEqual(['{}']);
  });

  it('writes the arguments as compact JSON of the parsed object', () => {
    const { calls } = parseToolCallBlock(`${OPEN}<invoke name="get_weather">{ 'city' : "O\\"slo" ,\n "unit":"celsius" }</invoke></tool_calls>`, TOOLS);
    expect(calls[0]?.arguments).toBe(JSON.stringify({ city: 'O"slo', unit: 'celsius' }));
  });

  it('reads what formatToolCallBlock writes, call for call', () => {
    const written = [
      { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      { name: 'write_to_file', arguments: JSON.stringify({ path: 'a.md', content: 'x </invoke-ish "quoted" \\ \n' }) },
      { name: 'get_time', arguments: '{"zone":"UTC"}' },
    ];
    const { calls, problems } = parseToolCallBlock(formatToolCallBlock(written, TRIGGER), TOOLS);
    expect(problems).toEqual([]);
    expect(calls.map(({ name, arguments: args }) => ({ name, arguments: args }))).toEqual(written);
  });
});

describe('parseToolCallBlock: problems', () => {
  it.each<[name: string, body: string, problem: RegExp]>([
    ['an unknown tool', '<invoke name="get_wether">{"city":"Oslo"}</invoke>', /^call 1 \(get_wether\): there is no tool named "get_wether" \(the tools: get_weather, get_time, write_to_file\)$/],
    ['no name', '<invoke>{"city":"Oslo"}</invoke>', /^call 1: the <invoke> tag has no name/],
    ['arguments that are not JSON', '<invoke name="get_weather">the city is Oslo</invoke>', /^call 1 \(get_weather\): the arguments are not valid JSON \(Unexpected token/],
    ['arguments cut off inside a string', '<invoke name="get_weather">{"city": "Os', /the arguments are not valid JSON \(Unterminated string/],
    ['arguments that are not an object', '<invoke name="get_weather">["Oslo"]</invoke>', /^call 1 \(get_weather\): the arguments must be one JSON object$/],
    ['arguments against the schema', '<invoke name="get_weather">{"city": 1, "unit": "kelvin"}</invoke>', /^call 1 \(get_weather\): the arguments do not match the schema: \/city: must be string; \/unit: must be equal to one of the allowed values \("celsius", "fahrenheit"\)$/],
    ['no invoke at all', 'I will call get_weather now.', /holds no <invoke/],
  ])('%s is a problem, not a call', (_name, body, problem) => {
    const { calls, problems } = parseToolCallBlock(`${OPEN}\n${body}\n</tool_calls>`, TOOLS);
    expect(calls).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it('keeps the valid calls and names the invalid one by its position', () => {
    const result = namesAndArguments(`${OPEN}<invoke name="get_time">{"zone":"UTC"}</invoke><invoke name="get_weather">{}</invoke><invoke name="get_time">{"zone":"CET"}</invoke></tool_calls>`);
    expect(result.calls).toEqual([
      ['get_time', { zone: 'UTC' }],
      ['get_time', { zone: 'CET' }],
    ]);
    expect(result.problems).toEqual(["call 2 (get_weather): the arguments do not match the schema: (root): must have required property 'city'"]);
  });

  it('refuses a name that matches several tools ignoring case', () => {
    const tools = [
      { name: 'Search', parameters: { type: 'object' } },
      { name: 'search', parameters: { type: 'object' } },
    ];
    expect(parseToolCallBlock(`${OPEN}<invoke name="search">{}</invoke></tool_calls>`, tools).calls.map((call) => call.name)).toEqual(['search']);
    const ambiguous = parseToolCallBlock(`${OPEN}<invoke name="SEARCH">{}</invoke></tool_calls>`, tools);
    expect(ambiguous.calls).toEqual([]);
    expect(ambiguous.problems[0]).toMatch(/several tools ignoring case \(Search, search\)/);
  });
});

describe('parseToolCallBlock: parallel and ids', () => {
  const three = `${OPEN}<invoke name="get_weather">{"town":"Oslo"}</invoke><invoke name="get_time">{"zone":"UTC"}</invoke><invoke name="get_weather">{"city":"Oslo"}</invoke></tool_calls>`;

  it('keeps only the first valid call with parallel false', () => {
    const result = namesAndArguments(three, { parallel: false });
    expect(result.calls).toEqual([['get_time', { zone: 'UTC' }]]);
    expect(result.problems).toHaveLength(1);
    expect(namesAndArguments(three).calls).toHaveLength(2);
  });

  it('gives each call an id from newId', () => {
    let n = 0;
    const { calls } = parseToolCallBlock(three, TOOLS, { newId: () => `call_${++n}` });
    expect(calls.map((call) => call.id)).toEqual(['call_1', 'call_2']);
  });

  it('makes ids of call_ and 24 letters and digits, all different', () => {
    const ids = Array.from({ length: 200 }, () => newToolCallId());
    for (const id of ids) expect(id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Over 200 ids × 24 characters every kind of character shows up.
    const characters = ids.join('').replaceAll('call_', '');
    expect(characters).toMatch(/[A-Z]/);
    expect(characters).toMatch(/[a-z]/);
    expect(characters).toMatch(/[0-9]/);
  });
});
