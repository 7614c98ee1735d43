import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dataOf, parseSseText } from '../support/read-sse';
import { assembleStreamedCalls, CALL_ID, startSimulatedGateway, toolCallText, type ScriptedCall, type SimulatedGateway } from './tool-test-kit';

/**
 * The request shapes of tool-carrying clients (tests/clients/fixtures/*-request.json, sent as
 * they are), each answered by the simulated model with a call of one of its tools: every one
 * must get a real tool call back. The shapes are reconstructed from what is known of each
 * client's OpenAI request (fields, roles, tool schemas, tool history), abridged prompts.
 */

const API_KEY = 'sk-test-agent-shapes-1';
const FIXTURES = path.join(import.meta.dirname, 'fixtures');

interface Shape {
  fixture: string;
  /** A text of one of the request's messages: what the script matches in the prompt. */
  match: string;
  call: ScriptedCall;
}

const shapes: Shape[] = [
  {
    fixture: 'roo-code-request.json',
    match: 'Give README.md a proper title',
    call: { name: 'read_file', arguments: { files: [{ path: 'README.md', line_ranges: null }] } },
  },
  {
    fixture: 'roo-code-o4-mini-request.json',
    match: 'What is in the src folder?',
    call: { name: 'list_files', arguments: { path: 'src', recursive: false } },
  },
  {
    fixture: 'roo-code-tool-history-request.json',
    match: '1 | # old gateway',
    call: { name: 'write_to_file', arguments: { path: 'README.md', content: '# XIPU Gateway\n\nAn "OpenAI-compatible" API.\n', line_count: 3 } },
  },
  {
    fixture: 'cline-native-request.json',
    match: 'Run the test suite and tell me what fails.',
    call: { name: 'execute_command', arguments: { command: 'npm test', requires_approval: false } },
  },
  {
    fixture: 'continue-agent-request.json',
    match: 'Find every TODO comment in this project.',
    call: { name: 'grep_search', arguments: { query: 'TODO' } },
  },
  {
    fixture: 'chatbox-tool-check-request.json',
    match: 'What is the weather like in Beijing?',
    call: { name: 'get_current_weather', arguments: { location: 'Beijing' } },
  },
];

type RequestBody = {
  messages: Array<{ role: string; content?: unknown; tool_calls?: Array<{ id: string }>; tool_call_id?: string }>;
  tools?: Array<{ function: { name: string; parameters?: Record<string, unknown> } }>;
  tool_choice?: unknown;
  parallel_tool_calls?: unknown;
  stream?: boolean;
};

function readShape(fixture: string): RequestBody {
  return JSON.parse(readFileSync(path.join(FIXTURES, fixture), 'utf8')) as RequestBody;
}

/** Every message's text: a string content, or the text of its parts. */
function messageTexts(body: RequestBody): string[] {
  return body.messages.flatMap(({ content }) =>
    typeof content === 'string' ? [content] : Array.isArray(content) ? content.map((part: { text?: string }) => part.text ?? '') : [],
  );
}

describe('the client request shapes', () => {
  it.each(shapes)('$fixture offers the tool its script calls, with arguments its schema accepts, and holds the text its script matches', ({ fixture, match, call }) => {
    const body = readShape(fixture);
    const tool = body.tools?.find((offered) => offered.function.name === call.name);
    expect(tool).toBeDefined();
    const ajv = new Ajv({ strict: false, allErrors: true });
    expect(ajv.validate(tool?.function.parameters ?? {}, call.arguments), ajv.errorsText()).toBe(true);
    expect(messageTexts(body).some((text) => text.includes(match))).toBe(true);
  });

  it('Roo Code always sends tools, tool_choice auto, parallel_tool_calls true and a system prompt', () => {
    for (const fixture of shapes.map((shape) => shape.fixture).filter((name) => name.startsWith('roo-code'))) {
      const body = readShape(fixture);
      expect(body).toMatchObject({ tool_choice: 'auto', parallel_tool_calls: true, stream: true });
      expect(['system', 'developer']).toContain(body.messages[0]?.role);
    }
  });

  it("Roo Code's tool history answers every tool_call_id of an earlier call", () => {
    const { messages } = readShape('roo-code-tool-history-request.json');
    const results = messages.flatMap((message, index) => (message.role === 'tool' ? [{ index, id: message.tool_call_id }] : []));
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) {
      const earlierIds = messages.slice(0, result.index).flatMap((message) => message.tool_calls?.map((call) => call.id) ?? []);
      expect(earlierIds).toContain(result.id);
    }
  });
});

describe('tool-carrying client shapes get a real tool call', () => {
  let harness: SimulatedGateway;
  beforeAll(async () => {
    harness = await startSimulatedGateway(API_KEY);
  });
  afterAll(async () => {
    await harness?.stop();
  });
  beforeEach(() => {
    harness.simulator.reset();
  });

  it.each(shapes)('$fixture', async ({ fixture, match, call }) => {
    harness.simulator.setScriptedReplies([{ match, reply: toolCallText([call]) }]);
    const body = readShape(fixture);
    const response = await fetch(`${harness.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);

    let calls: Array<{ id: string; name: string; arguments: string }>;
    let finishReason: unknown;
    if (body.stream === true) {
      const chunks = dataOf(parseSseText(await response.text()));
      calls = assembleStreamedCalls(chunks);
      finishReason = chunks.map((chunk) => chunk.choices?.[0]?.finish_reason).find((reason) => typeof reason === 'string');
    } else {
      const completion = (await response.json()) as {
        choices: Array<{ finish_reason: string; message: { tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }> } }>;
      };
      const choice = completion.choices[0];
      for (const toolCall of choice?.message.tool_calls ?? []) expect(toolCall.type).toBe('function');
      calls = (choice?.message.tool_calls ?? []).map((toolCall) => ({ id: toolCall.id, ...toolCall.function }));
      finishReason = choice?.finish_reason;
    }

    expect(finishReason).toBe('tool_calls');
    expect(calls.map((received) => received.name)).toEqual([call.name]);
    expect(calls[0]?.id).toMatch(CALL_ID);
    expect(JSON.parse(calls[0]?.arguments ?? 'null')).toEqual(call.arguments);
    const state = harness.simulator.state();
    expect(state.scriptedReplies[0]?.used).toBe(1);
    expect(state.calls.completions).toBe(1);
    await harness.noSessionsLeft();
  });
});
