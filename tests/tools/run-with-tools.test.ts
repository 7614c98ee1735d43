import { describe, expect, it } from 'vitest';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { runWithTools, type StartChat } from '@/lib/tools/run-with-tools';
import { chatRequest } from '@/tests/support/scripted-chat';
import { blockOf, readAll } from '@/tests/support/stream-helpers';
import {
  callAnswer,
  lastMessage,
  pushableSource,
  readRest,
  runOptions,
  scriptedStarts,
  textAnswer,
  toolRequest,
} from './tool-run-kit';

/**
 * runWithTools over scripted upstream answers and a stand-in detector: which `tool_choice`
 * holds the answer, the one re-ask (counted in `start` calls), what is emitted, and
 * cancellation. Structured output: ./structured-output.test.ts.
 */

const required = { mode: 'required' } as const;
const weatherChoice = { mode: 'function', name: 'get_weather' } as const;

const callParts = (id: string, name: string, args = '{}'): ChatStreamPart[] => [
  { type: 'tool-call-start', id, name },
  { type: 'tool-call-delta', id, argumentsDelta: args },
  { type: 'tool-call-end', id },
];
const calledNames = (parts: ChatStreamPart[]) => parts.flatMap((part) => (part.type === 'tool-call-start' ? [part.name] : []));
const textOf = (parts: ChatStreamPart[]) => parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
const upstreamError = new GatewayError('upstream broke', { status: 502, type: 'upstream_error', code: 'upstream_stream_broken' });

describe('runWithTools: tool_choice required or named, the one re-ask', () => {
  it('required, first answer without a call: exactly two starts, the re-ask says why, the second answer’s call is emitted', async () => {
    const { start, calls } = scriptedStarts([textAnswer('It is sunny, I think.'), callAnswer('get_weather', '{"city":"Paris"}')]);
    const request = toolRequest(required);
    const parts = await readAll(await runWithTools(request, start, runOptions()));

    expect(calls.map((call) => call.attempt)).toEqual([1, 2]);
    expect(calls[0]?.request).toBe(request);
    expect(lastMessage(calls[1]?.request)).toEqual({
      role: 'user',
      content: expect.stringContaining('you answered without calling a tool') as string,
    });
    expect(lastMessage(calls[1]?.request)?.content).toContain('Call the tool now using exactly the format above.');
    expect(textOf(parts)).not.toContain('sunny');
    expect(parts).toEqual([
      ...callParts('call_fake1', 'get_weather', '{"city":"Paris"}'),
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
  });

  it('a second failure is emitted as it is, text with stop, and there is no third start', async () => {
    const { start, calls } = scriptedStarts([textAnswer('No.'), textAnswer('Still no tool.')]);
    const parts = await readAll(await runWithTools(toolRequest(required), start, runOptions()));

    expect(calls).toHaveLength(2);
    expect(parts).toEqual(textAnswer('Still no tool.'));
  });

  it('a valid call in the first answer is emitted after the hold, with one start', async () => {
    const { start, calls } = scriptedStarts([[...blockOf('text', 'Let me look. '), ...callAnswer('get_time')]]);
    const parts = await readAll(await runWithTools(toolRequest(required), start, runOptions()));

    expect(calls).toHaveLength(1);
    expect(textOf(parts)).toBe('Let me look. ');
    expect(calledNames(parts)).toEqual(['get_time']);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('a named choice answered with another tool is re-asked, naming both', async () => {
    const { start, calls } = scriptedStarts([callAnswer('get_time'), callAnswer('get_weather')]);
    const parts = await readAll(await runWithTools(toolRequest(weatherChoice), start, runOptions()));

    expect(calls).toHaveLength(2);
    expect(lastMessage(calls[1]?.request)?.content).toContain('you called get_time, but get_weather was required');
    expect(calledNames(parts)).toEqual(['get_weather']);
  });

  it('a named choice answered in text says which call was missing', async () => {
    const { start, calls } = scriptedStarts([textAnswer('Hello'), callAnswer('get_weather')]);
    await readAll(await runWithTools(toolRequest(weatherChoice), start, runOptions()));

    expect(lastMessage(calls[1]?.request)?.content).toContain('you answered without calling get_weather');
  });

  it('the parser’s problems are the re-ask’s problem', async () => {
    const { start, calls } = scriptedStarts([callAnswer('get_wether'), callAnswer('get_weather')]);
    await readAll(await runWithTools(toolRequest(required), start, runOptions()));

    expect(lastMessage(calls[1]?.request)?.content).toContain('call 1: get_wether is not one of the tools');
  });

  it('the re-ask’s answer streams through the detector with its blocks renumbered after the first’s reasoning', async () => {
    const first = [...blockOf('reasoning', 'hmm'), ...textAnswer('no call')];
    const second: ChatStreamPart[] = [
      ...blockOf('reasoning', 'again'),
      ...blockOf('text', 'Calling. '),
      ...blockOf('text', 'CALL get_time {}', 'text-1'),
      { type: 'finish', finishReason: 'stop' },
    ];
    const { start } = scriptedStarts([first, second]);
    const parts = await readAll(await runWithTools(toolRequest(required), start, runOptions()));

    expect(parts).toEqual([
      ...blockOf('reasoning', 'hmm', 'reasoning-0'),
      ...blockOf('reasoning', 'again', 'reasoning-1'),
      ...blockOf('text', 'Calling. ', 'text-0'),
      ...callParts('call_fake1', 'get_time'),
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
  });

  it('an upstream error during the hold is passed on, without the held text and with no re-ask', async () => {
    const { start, calls } = scriptedStarts([
      [...blockOf('reasoning', 'thinking'), { type: 'text-start', id: 'text-0' }, { type: 'text-delta', id: 'text-0', text: 'partial' }, { type: 'error', error: upstreamError }],
    ]);
    const parts = await readAll(await runWithTools(toolRequest(required), start, runOptions()));

    expect(calls).toHaveLength(1);
    expect(parts).toEqual([...blockOf('reasoning', 'thinking'), { type: 'error', error: upstreamError }]);
  });

  it('a re-ask that cannot start ends the answer with its error', async () => {
    const busy = new GatewayError('busy', { status: 429, type: 'rate_limit_error', code: 'upstream_busy' });
    const { start, calls } = scriptedStarts([textAnswer('no call')]);
    const startOrBusy: StartChat = (request, attempt) => (attempt === 2 ? Promise.reject(busy) : start(request, attempt));
    const parts = await readAll(await runWithTools(toolRequest(required), startOrBusy, runOptions()));

    expect(calls).toHaveLength(1);
    expect(parts).toEqual([{ type: 'error', error: busy }]);
  });

  it('a named function that is not among the tools is a 400 on tool_choice, before any upstream call', async () => {
    const { start, calls } = scriptedStarts([]);
    const failure = await runWithTools(toolRequest({ mode: 'function', name: 'get_stock' }), start, runOptions()).catch((error: unknown) => error);

    expect(failure).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'tool_choice' });
    expect(calls).toHaveLength(0);
  });
});

describe('runWithTools: auto and no tools', () => {
  it('auto never re-asks: a text answer streams as the detector leaves it, with one start', async () => {
    const { start, calls } = scriptedStarts([textAnswer('Just text.'), callAnswer('get_weather')]);
    const parts = await readAll(await runWithTools(toolRequest({ mode: 'auto' }), start, runOptions()));

    expect(calls).toHaveLength(1);
    expect(parts).toEqual(textAnswer('Just text.'));
  });

  it('auto passes the detector’s calls on', async () => {
    const { start, calls } = scriptedStarts([callAnswer('get_weather')]);
    const parts = await readAll(await runWithTools(toolRequest({ mode: 'auto' }), start, runOptions()));

    expect(calls).toHaveLength(1);
    expect(calledNames(parts)).toEqual(['get_weather']);
  });

  it('a request without tools is the upstream’s stream itself, the detector never called', async () => {
    const detectCalls: unknown[] = [];
    const { start } = scriptedStarts([callAnswer('get_weather')]);
    const parts = await readAll(
      await runWithTools(chatRequest(), start, runOptions({ detect: (source) => (detectCalls.push(source), source) })),
    );

    expect(detectCalls).toHaveLength(0);
    expect(parts).toEqual(callAnswer('get_weather'));
  });
});

describe('runWithTools: a held answer still streams its reasoning, and cancels', () => {
  it('reasoning is emitted while the answer’s text is still held', async () => {
    const source = pushableSource();
    const { start } = scriptedStarts([source.stream]);
    const reader = (await runWithTools(toolRequest(required), start, runOptions())).getReader();

    source.push(...blockOf('reasoning', 'weighing it'), { type: 'text-start', id: 'text-0' }, { type: 'text-delta', id: 'text-0', text: 'CALL get_time {}' });
    const early: ChatStreamPart[] = [];
    for (let index = 0; index < 3; index += 1) {
      const result = await reader.read();
      if (!result.done) early.push(result.value);
    }
    expect(early).toEqual(blockOf('reasoning', 'weighing it'));

    source.push({ type: 'text-end', id: 'text-0' }, { type: 'finish', finishReason: 'stop' });
    source.close();
    const rest = await readRest(reader);
    expect(calledNames(rest)).toEqual(['get_time']);
    expect(rest.at(-1)).toEqual({ type: 'finish', finishReason: 'tool_calls' });
  });

  it('cancelling the output cancels the first upstream, and no re-ask starts', async () => {
    const source = pushableSource();
    const { start, calls } = scriptedStarts([source.stream, callAnswer('get_weather')]);
    const reader = (await runWithTools(toolRequest(required), start, runOptions())).getReader();
    source.push(...blockOf('reasoning', 'r'));
    await reader.read();

    await reader.cancel('client gone');
    expect(await source.cancelled).toBe('client gone');
    expect(calls).toHaveLength(1);
  });

  it('cancelling the output during the re-ask cancels the second upstream', async () => {
    const second = pushableSource();
    const { start, calls } = scriptedStarts([textAnswer('no call'), second.stream]);
    const reader = (await runWithTools(toolRequest(required), start, runOptions())).getReader();
    second.push(...blockOf('reasoning', 'second thoughts'));
    const firstRead = await reader.read();
    expect(firstRead.value).toEqual({ type: 'reasoning-start', id: 'reasoning-0' });

    await reader.cancel('client gone');
    expect(await second.cancelled).toBe('client gone');
    expect(calls).toHaveLength(2);
  });

  it('cancelling while the re-ask is starting cancels its upstream as soon as it opens', async () => {
    const second = pushableSource();
    let openSecond: (stream: ReadableStream<ChatStreamPart>) => void = () => undefined;
    let reportAsked: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => {
      reportAsked = resolve;
    });
    const { start } = scriptedStarts([textAnswer('no call')]);
    const slowReask: StartChat = (request, attempt) => {
      if (attempt === 1) return start(request, 1);
      reportAsked();
      return new Promise((resolve) => {
        openSecond = resolve;
      });
    };
    const reader = (await runWithTools(toolRequest(required), slowReask, runOptions())).getReader();
    const pending = reader.read();
    await asked;

    await reader.cancel('client gone');
    openSecond(second.stream);
    await second.cancelled;
    expect(await pending).toEqual({ done: true, value: undefined });
  });

  it('cancelling while the re-ask waits for its turn aborts its signal, so it gives the turn up', async () => {
    let reaskSignal: AbortSignal | undefined;
    let reportAsked: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => {
      reportAsked = resolve;
    });
    const { start } = scriptedStarts([textAnswer('no call')]);
    const waitingReask: StartChat = (request, attempt, cancelled) => {
      if (attempt === 1) return start(request, 1);
      reaskSignal = cancelled;
      reportAsked();
      return new Promise((_resolve, reject) => cancelled?.addEventListener('abort', () => reject(cancelled.reason)));
    };
    const reader = (await runWithTools(toolRequest(required), waitingReask, runOptions())).getReader();
    const pending = reader.read();
    await asked;
    expect(reaskSignal?.aborted).toBe(false);

    await reader.cancel('client gone');
    expect(reaskSignal?.aborted).toBe(true);
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});
