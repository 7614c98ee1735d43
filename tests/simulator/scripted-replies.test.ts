import { afterEach, describe, expect, it } from 'vitest';
import { createScriptedReplies } from '@/simulator/scripted-replies';
import { startSimulator, type ScriptedReply, type SimulatorHandle, type SimulatorOptions } from '@/simulator/start-simulator';
import { callApi, createSession, readStream, type Credentials } from './simulator-client';

describe('createScriptedReplies', () => {
  it('answers the first script that matches and has uses left, and counts the uses', () => {
    const scripts = createScriptedReplies([
      { match: 'weather', reply: 'first', times: 1 },
      { match: { regex: 'weather in (Paris|Rome)' }, reply: 'second' },
    ]);
    expect(scripts.take('the weather in Paris?')).toBe('first');
    expect(scripts.take('the weather in Paris?')).toBe('second');
    expect(scripts.take('the weather in Oslo?')).toBeNull();
    expect(scripts.take('nothing to see')).toBeNull();
    expect(scripts.list()).toEqual([
      { match: 'weather', reply: 'first', times: 1, used: 1 },
      { match: { regex: 'weather in (Paris|Rome)' }, reply: 'second', times: null, used: 1 },
    ]);
    scripts.resetUses();
    expect(scripts.take('weather in Rome')).toBe('first');
  });

  it('matches a substring case-sensitively and a regex against the whole, multi-line text', () => {
    const scripts = createScriptedReplies([
      { match: 'Needle', reply: 'substring' },
      { match: { regex: '^User:\\n[\\s\\S]*tool_result' }, reply: 'regex' },
    ]);
    expect(scripts.take('a needle')).toBeNull();
    expect(scripts.take('a Needle')).toBe('substring');
    expect(scripts.take('System:\nrules\n\nUser:\nhi\n\n<tool_result name="x">')).toBeNull();
    expect(scripts.take('User:\nhi\n\n<tool_result name="x">')).toBe('regex');
  });

  it('replaces every script, uses from 0, and refuses a regex that does not compile', () => {
    const scripts = createScriptedReplies([{ match: 'a', reply: 'old', times: 1 }]);
    expect(scripts.take('a')).toBe('old');
    scripts.replace([{ match: 'a', reply: 'new', times: 1 }]);
    expect(scripts.take('a')).toBe('new');
    expect(scripts.take('a')).toBeNull();
    expect(() => scripts.replace([{ match: { regex: '(' }, reply: 'x' }])).toThrow(RangeError);
    expect(() => createScriptedReplies([{ match: { regex: '[' }, reply: 'x' }])).toThrow(RangeError);
  });
});

describe('scripted replies on the completions endpoint', () => {
  let simulator: SimulatorHandle;
  let credentials: Credentials;
  const start = async (options: SimulatorOptions = {}) => {
    simulator = await startSimulator({ minGapMs: 0, chunkDelayMs: 0, ...options });
    credentials = simulator.mintCredentials();
  };
  const complete = async (text: string, model?: string) => {
    const sessionId = await createSession(simulator, credentials, model === undefined ? {} : { model });
    const response = await callApi(simulator, 'completions', { text, files: [], sessionId }, credentials);
    return (await readStream(response)).text;
  };
  const control = (path: string, body: unknown) =>
    fetch(`${simulator.url}/__sim/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  afterEach(async () => {
    await simulator?.close();
  });

  const toolCallText = '<tool_calls trigger="xg7">\n<invoke name="get_weather">\n{"city": "Paris"}\n</invoke>\n</tool_calls>';

  it('answers a matching prompt with the script, over SIM-REPLY, then falls back to the directives', async () => {
    await start({ scriptedReplies: [{ match: 'weather in Paris', reply: toolCallText, times: 1 }] });
    const prompt = 'User:\nWhat is the weather in Paris?\nSIM-REPLY: no call';
    expect(await complete(prompt)).toBe(toolCallText);
    expect(await complete(prompt)).toBe('no call');
    expect(simulator.state().scriptedReplies).toEqual([{ match: 'weather in Paris', reply: toolCallText, times: 1, used: 1 }]);
  });

  it('answers one prompt without a call first and with a call second (a re-ask), then echoes', async () => {
    await start();
    simulator.setScriptedReplies([
      { match: 'weather', reply: 'It is probably sunny.', times: 1 },
      { match: 'weather', reply: toolCallText, times: 1 },
    ]);
    expect(await complete('weather?')).toBe('It is probably sunny.');
    expect(await complete('weather? You must call a tool.')).toBe(toolCallText);
    expect(await complete('weather?')).toBe('好的! You said: weather?');
  });

  it('keeps SIM-DELAY and the think block of a reasoning model', async () => {
    await start({ scriptedReplies: [{ match: 'think', reply: 'scripted answer' }] });
    const text = await complete('think first\nSIM-REPLY: ignored', 'DeepSeek-R1');
    expect(text).toMatch(/^<think>\n[^\n]+\n<\/think>\n\nscripted answer$/);
  });

  it('does not use a script up on a prompt the filter refuses', async () => {
    await start({ scriptedReplies: [{ match: 'weather', reply: 'scripted', times: 1 }] });
    expect(await complete('weather and forbiddenword')).toBe('');
    expect(simulator.state().scriptedReplies[0]?.used).toBe(0);
    expect(await complete('weather')).toBe('scripted');
  });

  it('restarts the uses on reset and keeps the scripts; [] removes them', async () => {
    await start({ scriptedReplies: [{ match: 'hello', reply: 'scripted', times: 1 }] });
    expect(await complete('hello')).toBe('scripted');
    simulator.reset();
    expect(simulator.state().scriptedReplies[0]?.used).toBe(0);
    expect(await complete('hello')).toBe('scripted');
    simulator.setScriptedReplies([]);
    expect(await complete('hello')).toBe('好的! You said: hello');
  });

  it('is set over HTTP and refuses invalid scripts with 400, keeping the old ones', async () => {
    await start();
    const scripts: ScriptedReply[] = [{ match: { regex: 'Paris\\?$' }, reply: 'over HTTP', times: 2 }];
    const response = await control('scripted-replies', { scripts });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, scriptedReplies: [{ match: { regex: 'Paris\\?$' }, reply: 'over HTTP', times: 2, used: 0 }] });
    expect(await complete('Weather in Paris?')).toBe('over HTTP');

    for (const invalid of [
      { scripts: [{ match: { regex: '(' }, reply: 'x' }] },
      { scripts: [{ match: '', reply: 'x' }] },
      { scripts: [{ match: 'a', reply: 'x', times: 0 }] },
      { scripts: [{ match: 'a' }] },
      { scripts: [{ match: 'a', reply: 'x', extra: true }] },
      { nothing: [] },
    ]) {
      const refused = await control('scripted-replies', invalid);
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error.length).toBeGreaterThan(0);
    }
    expect(simulator.state().scriptedReplies).toEqual([{ match: { regex: 'Paris\\?$' }, reply: 'over HTTP', times: 2, used: 1 }]);
    expect(() => simulator.setScriptedReplies([{ match: { regex: '[' }, reply: 'x' }])).toThrow();
  });

  it('refuses a regex that does not compile at start', async () => {
    await expect(startSimulator({ scriptedReplies: [{ match: { regex: '(' }, reply: 'x' }] })).rejects.toBeInstanceOf(RangeError);
  });
});

describe('recent prompts', () => {
  let simulator: SimulatorHandle;
  afterEach(async () => {
    await simulator?.close();
  });

  it('keeps the exact prompts answered, the last 20, oldest first; reset clears them', async () => {
    simulator = await startSimulator({ minGapMs: 0, chunkDelayMs: 0 });
    const credentials = simulator.mintCredentials();
    const sessionId = await createSession(simulator, credentials);
    const prompts = Array.from({ length: 22 }, (_, index) => `System:\nrules\n\nUser:\nprompt ${index} 你好\n`);
    for (const text of prompts) await readStream(await callApi(simulator, 'completions', { text, files: [], sessionId }, credentials));
    await callApi(simulator, 'completions', { text: 'unknown session', files: [], sessionId: 4242 }, credentials);
    expect(simulator.state().recentPrompts).toEqual(prompts.slice(2));
    simulator.reset();
    expect(simulator.state().recentPrompts).toEqual([]);
  });
});

describe('recent streams', () => {
  let simulator: SimulatorHandle;
  afterEach(async () => {
    await simulator?.close();
  });

  it('records per piece when it was written and the characters so far, before it arrives; the last 5 streams; reset clears them', async () => {
    simulator = await startSimulator({ minGapMs: 0, chunkDelayMs: 1 });
    const credentials = simulator.mintCredentials();
    const sessionId = await createSession(simulator, credentials);
    const reply = 'Piece by piece, 你好 😀 and on.';
    const stream = await readStream(await callApi(simulator, 'completions', { text: `SIM-REPLY: ${reply}`, files: [], sessionId }, credentials));
    expect(stream.text).toBe(reply);
    const [timeline] = simulator.state().recentStreams;
    expect(timeline?.sessionId).toBe(sessionId);
    expect(timeline?.sentChars).toEqual(stream.pieces.map((_, index) => stream.pieces.slice(0, index + 1).join('').length));
    expect(timeline?.sentChars.at(-1)).toBe(reply.length);
    const sentAt = timeline?.sentAt ?? [];
    expect(sentAt).toHaveLength(stream.pieces.length);
    for (const [index, at] of sentAt.entries()) {
      expect(at).toBeGreaterThanOrEqual(sentAt[index - 1] ?? 0);
      expect(at).toBeLessThanOrEqual(performance.timeOrigin + (stream.pieceTimes[index] ?? 0));
    }

    for (let index = 0; index < 6; index += 1) {
      await readStream(await callApi(simulator, 'completions', { text: `SIM-REPLY: ${'x'.repeat(index + 1)}`, files: [], sessionId }, credentials));
    }
    const recent = simulator.state().recentStreams;
    expect(recent.map((entry) => entry.sentChars.at(-1))).toEqual([2, 3, 4, 5, 6]);
    simulator.reset();
    expect(simulator.state().recentStreams).toEqual([]);
  });
});
