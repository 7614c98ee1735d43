import { describe, expect, it } from 'vitest';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import type { ResponseFormat } from '@/lib/providers/tool-request';
import { runWithTools } from '@/lib/tools/run-with-tools';
import { createJsonAnswerCheck, jsonCandidates } from '@/lib/tools/structured-output';
import { chatRequest } from '@/tests/support/scripted-chat';
import { blockOf, readAll } from '@/tests/support/stream-helpers';
import { callAnswer, lastMessage, runOptions, scriptedStarts, strictJson, textAnswer, toolRequest } from './tool-run-kit';

/**
 * response_format over scripted answers: the JSON found in prose and fences, validated, sent
 * normalised; the one re-ask; the 502 after two failures. The lenient parser's repairs have
 * their own tests (a strict stand-in here).
 */

const citySchema = {
  type: 'object',
  properties: { city: { type: 'string' }, temperature: { type: 'number' } },
  required: ['city', 'temperature'],
  additionalProperties: false,
};
const jsonSchema: ResponseFormat = { type: 'json_schema', name: 'weather', schema: citySchema, strict: true };
const jsonObject: ResponseFormat = { type: 'json_object' };

const jsonAnswer = (json: string): ChatStreamPart[] => [...blockOf('text', json), { type: 'finish', finishReason: 'stop' }];

async function answerWith(format: ResponseFormat, answers: ChatStreamPart[][]) {
  const { start, calls } = scriptedStarts(answers);
  const parts = await readAll(await runWithTools(chatRequest({ responseFormat: format }), start, runOptions()));
  return { parts, calls };
}

describe('structured output: extraction', () => {
  it.each([
    ['a json fence in prose', 'Here you go:\n```json\n{\n  "city": "Paris",\n  "temperature": 21\n}\n```\nAnything else?'],
    ['a bare fence', '```\n{"city":"Paris","temperature":21}\n```'],
    ['prose around the object', 'Sure! The answer is {"city": "Paris", "temperature": 21} as requested.'],
    ['prose with a bracket before the object', 'Result [see below]: {"city":"Paris", "temperature":21}'],
    ['JSON as it is, spread over lines', '  {"city":\n "Paris", "temperature": 21}\n'],
  ])('%s: one text block of the compact JSON, finish stop, one start', async (_name, answer) => {
    const { parts, calls } = await answerWith(jsonSchema, [textAnswer(answer)]);

    expect(calls).toHaveLength(1);
    expect(parts).toEqual(jsonAnswer('{"city":"Paris","temperature":21}'));
  });

  it('an array is found for json_schema, and never for json_object', () => {
    expect(jsonCandidates('List: [1, 2] done', false)).toEqual(['[1, 2]']);
    expect(jsonCandidates('List: [1, 2] done', true)).toEqual(['List: [1, 2] done']);
  });

  it('reasoning streams first, the held text after it', async () => {
    const { parts } = await answerWith(jsonObject, [[...blockOf('reasoning', 'think'), ...textAnswer('{"a": 1}')]]);

    expect(parts).toEqual([...blockOf('reasoning', 'think'), ...jsonAnswer('{"a":1}')]);
  });
});

describe('structured output: the one re-ask', () => {
  it('a schema violation is re-asked with the problem, and the valid second answer is sent', async () => {
    const { parts, calls } = await answerWith(jsonSchema, [
      textAnswer('{"city": "Paris", "temperature": "warm"}'),
      textAnswer('{"city": "Paris", "temperature": 21}'),
    ]);

    expect(calls.map((call) => call.attempt)).toEqual([1, 2]);
    const reask = lastMessage(calls[1]?.request)?.content;
    expect(reask).toContain('/temperature: must be number');
    expect(reask).toContain('Answer with only the JSON value.');
    expect(parts).toEqual(jsonAnswer('{"city":"Paris","temperature":21}'));
  });

  it('json_object: an array is re-asked', async () => {
    const { parts, calls } = await answerWith(jsonObject, [textAnswer('[1, 2]'), textAnswer('{"items": [1, 2]}')]);

    expect(lastMessage(calls[1]?.request)?.content).toContain('the answer is not a JSON object');
    expect(parts).toEqual(jsonAnswer('{"items":[1,2]}'));
  });

  it('two invalid answers: a 502 upstream_invalid_json error part that says why, and no third start', async () => {
    const { parts, calls } = await answerWith(jsonSchema, [textAnswer('I cannot do JSON.'), textAnswer('{"city": "Paris"}')]);

    expect(calls).toHaveLength(2);
    expect(parts).toHaveLength(1);
    const [part] = parts;
    expect(part?.type).toBe('error');
    const error = part?.type === 'error' ? part.error : undefined;
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 502, type: 'upstream_error', code: 'upstream_invalid_json' });
    expect(error?.message).toContain("must have required property 'temperature'");
  });

  it('an upstream error during the hold is passed on, with no re-ask', async () => {
    const failure = new GatewayError('upstream broke', { status: 502, type: 'upstream_error', code: 'upstream_stream_broken' });
    const { parts, calls } = await answerWith(jsonObject, [[...blockOf('text', '{"a":'), { type: 'error', error: failure }]]);

    expect(calls).toHaveLength(1);
    expect(parts).toEqual([{ type: 'error', error: failure }]);
  });
});

describe('structured output with tools', () => {
  it('auto: a call is sent as the call, with no JSON check', async () => {
    const { start, calls } = scriptedStarts([callAnswer('get_weather')]);
    const request = toolRequest({ mode: 'auto' }, { responseFormat: jsonObject });
    const parts = await readAll(await runWithTools(request, start, runOptions()));

    expect(calls).toHaveLength(1);
    expect(parts.filter((part) => part.type === 'tool-call-start')).toHaveLength(1);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('auto: text is held to the JSON rule, one re-ask in all', async () => {
    const { start, calls } = scriptedStarts([textAnswer('prose'), textAnswer('more prose')]);
    const request = toolRequest({ mode: 'auto' }, { responseFormat: jsonObject });
    const parts = await readAll(await runWithTools(request, start, runOptions()));

    expect(calls).toHaveLength(2);
    expect(parts).toMatchObject([{ type: 'error', error: { code: 'upstream_invalid_json' } }]);
  });

  it('required: a re-ask for the call, then a second answer without one must still be the JSON', async () => {
    const { start, calls } = scriptedStarts([textAnswer('{"a": 1}'), textAnswer('Here: {"a": 2}')]);
    const request = toolRequest({ mode: 'required' }, { responseFormat: jsonObject });
    const parts = await readAll(await runWithTools(request, start, runOptions()));

    expect(calls).toHaveLength(2);
    expect(lastMessage(calls[1]?.request)?.content).toContain('Call the tool now');
    expect(parts).toEqual(jsonAnswer('{"a":2}'));
  });
});

describe('structured output: schemas', () => {
  it('a schema ajv cannot compile is a 400 on response_format.json_schema.schema, before any upstream call', async () => {
    const { start, calls } = scriptedStarts([]);
    const format: ResponseFormat = { type: 'json_schema', name: 'bad', schema: { type: 'objekt' }, strict: false };
    const failure = await runWithTools(chatRequest({ responseFormat: format }), start, runOptions()).catch((error: unknown) => error);

    expect(failure).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'response_format.json_schema.schema' });
    expect(calls).toHaveLength(0);
  });

  it('a 2020-12 schema is read as 2020-12 (prefixItems), a draft-07 one as draft-07', () => {
    const tuple = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'number' }], items: false };
    const check2020 = createJsonAnswerCheck({ type: 'json_schema', name: 't', schema: tuple, strict: true }, strictJson);
    expect(check2020('[1]')).toEqual({ ok: true, json: '[1]' });
    expect(check2020('[1, 2]').ok).toBe(false);

    const draft07 = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'array', items: [{ type: 'number' }], additionalItems: false };
    const check07 = createJsonAnswerCheck({ type: 'json_schema', name: 't', schema: draft07, strict: true }, strictJson);
    expect(check07('[1]')).toEqual({ ok: true, json: '[1]' });
    expect(check07('[1, 2]').ok).toBe(false);
  });

  it('unknown keywords and formats are ignored, not refused', () => {
    const schema = { type: 'object', properties: { at: { type: 'string', format: 'date-time' } }, 'x-note': 'mine' };
    const check = createJsonAnswerCheck({ type: 'json_schema', name: 't', schema, strict: false }, strictJson);
    expect(check('{"at": "not a date"}')).toEqual({ ok: true, json: '{"at":"not a date"}' });
    expect(check('{"at": 5}').ok).toBe(false);
  });
});

describe('invalidJsonError', () => {
  it('is not retryable: the gateway already asked once, and SDK retries would each cost two upstream chats', async () => {
    const { invalidJsonError } = await import('@/lib/tools/structured-output');
    const error = invalidJsonError('still not JSON');
    expect(error.status).toBe(502);
    expect(error.retryable).toBe(false);
  });
});
