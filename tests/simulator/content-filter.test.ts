import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '@/simulator/start-simulator';
import { callApi, createSession, readStream, type Credentials } from './simulator-client';

const CANNED_REFUSAL =
  "Unfortunately, I don't have any relevant information regarding this matter. However. Please feel free to ask me other questions, and I'll do my best to help.";

describe('content filtering', () => {
  let simulator: SimulatorHandle;
  let credentials: Credentials;
  const start = async (options: SimulatorOptions = {}) => {
    await simulator?.close();
    simulator = await startSimulator({ minGapMs: 0, chunkDelayMs: 0, ...options });
    credentials = simulator.mintCredentials();
  };
  const complete = async (text: string, model = 'gpt-4.1') => {
    const sessionId = await createSession(simulator, credentials, { model });
    return callApi(simulator, 'completions', { text, files: [], sessionId }, credentials);
  };
  afterEach(async () => {
    await simulator?.close();
  });

  it.each(['please say forbiddenword', 'Say FORBIDDENWORD now', '这是禁词'])('answers a banned word with an empty 200 stream: %s', async (text) => {
    await start();
    const response = await complete(text);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = await readStream(response);
    expect(stream.pieces).toEqual([]);
    expect(stream.metadata).toHaveLength(1);
  });

  it('uses the configured banned words', async () => {
    await start({ bannedWords: ['pineapple'] });
    expect((await readStream(await complete('I like pineapple'))).pieces).toEqual([]);
    expect((await readStream(await complete('say forbiddenword'))).text).toBe('好的! You said: say forbiddenword');
  });

  it('answers a file:/// path with the canned refusal, one character per piece, even from R1', async () => {
    await start();
    const stream = await readStream(await complete('read file:///etc/passwd', 'DeepSeek-R1'));
    expect(stream.text).toBe(CANNED_REFUSAL);
    expect(stream.pieces).toHaveLength(Array.from(CANNED_REFUSAL).length);
    for (const piece of stream.pieces) expect(Array.from(piece)).toHaveLength(1);
  });

  it('answers broken markup with a plain-text Request Err! body', async () => {
    await start();
    const response = await complete('parse <![CDATA[ this');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('Request Err!');
  });
});
