import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { generateReply } from '@/simulator/generate-reply';
import { splitIntoPieces } from '@/simulator/split-into-pieces';
import { streamReply } from '@/simulator/stream-reply';
import { startSimulator, type SimulatorHandle, type SimulatorOptions, type SimulatorProfile } from '@/simulator/start-simulator';
import { callApi, createSession, readStream, type Credentials } from './simulator-client';

/** Whether the bytes begin or end inside a multi-byte UTF-8 sequence. */
function cutsUtf8Sequence(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('completions replies', () => {
  let simulator: SimulatorHandle;
  let credentials: Credentials;
  const start = async (options: SimulatorOptions = {}) => {
    await simulator?.close();
    simulator = await startSimulator({ minGapMs: 0, chunkDelayMs: 0, ...options });
    credentials = simulator.mintCredentials();
  };
  const complete = async (sessionId: number, text: string) => {
    const response = await callApi(simulator, 'completions', { text, files: [], sessionId }, credentials);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    return readStream(response);
  };
  afterEach(async () => {
    await simulator?.close();
  });

  it('echoes the last non-empty line, and a reused session answers with its turn number', async () => {
    await start();
    const sessionId = await createSession(simulator, credentials);
    const first = await complete(sessionId, 'System:\nBe brief.\n\nUser:\nhello there\n\n');
    expect(first.text).toBe('好的! You said: hello there');
    const second = await complete(sessionId, 'User:\nagain');
    expect(second.text).toBe('好的! You said: again (turn 2)');
    expect((await complete(sessionId, 'and again')).text).toBe('好的! You said: and again (turn 3)');
    expect(simulator.state().sessions[0]?.turns).toBe(3);
    const fresh = await createSession(simulator, credentials);
    expect((await complete(fresh, 'again')).text).toBe('好的! You said: again');
  });

  it('quotes at most 80 code points of the last line', async () => {
    await start();
    const sessionId = await createSession(simulator, credentials);
    const line = '字'.repeat(50) + 'x'.repeat(50);
    expect((await complete(sessionId, line)).text).toBe(`好的! You said: ${'字'.repeat(50)}${'x'.repeat(30)}`);
  });

  it('follows SIM-REPLY exactly, the last directive winning', async () => {
    await start();
    const sessionId = await createSession(simulator, credentials);
    const text = 'User:\nSIM-REPLY: old\n\nAssistant:\nold\n\nUser:\nSIM-REPLY: line one\\nline two, 你好!';
    expect((await complete(sessionId, text)).text).toBe('line one\nline two, 你好!');
  });

  it('streams SIM-LONG words with Chinese among them', async () => {
    await start();
    const sessionId = await createSession(simulator, credentials);
    const stream = await complete(sessionId, 'SIM-LONG: 300');
    const words = stream.text.split(' ');
    expect(words).toHaveLength(300);
    expect(words).toContain('你好');
    expect(words).toContain('世界');
    expect(words[299]).toBe('#300');
    expect(stream.pieces.length).toBeGreaterThan(300);
  });

  it('waits SIM-DELAY between pieces', async () => {
    await start();
    const sessionId = await createSession(simulator, credentials);
    const stream = await complete(sessionId, 'SIM-DELAY: 15\nSIM-REPLY: abcdefghij');
    expect(stream.text).toBe('abcdefghij');
    const first = stream.pieceTimes[0] ?? 0;
    const last = stream.pieceTimes.at(-1) ?? 0;
    expect(last - first).toBeGreaterThanOrEqual((stream.pieces.length - 1) * 15 * 0.8);
  });

  it.each(['DeepSeek-R1', 'DeepseekR1联网', 'custom-r1-lite'])('prefixes a think block for the reasoning model %s, split across pieces', async (model) => {
    await start({ models: ['DeepSeek-R1', 'DeepseekR1联网', 'custom-r1-lite'] });
    const sessionId = await createSession(simulator, credentials, { model });
    const stream = await complete(sessionId, 'SIM-REPLY: The answer is 42.');
    expect(stream.text).toMatch(/^<think>\n[^\n]+\n<\/think>\n\nThe answer is 42\.$/);
    expect(stream.pieces.some((piece) => piece.includes('<think>'))).toBe(false);
    expect(stream.pieces.some((piece) => piece.includes('<') && !piece.includes('>'))).toBe(true);
  });

  it('sends no think block for other models', async () => {
    await start();
    const sessionId = await createSession(simulator, credentials, { model: 'gpt-4.1' });
    expect((await complete(sessionId, 'SIM-REPLY: plain')).text).toBe('plain');
  });

  it.each<SimulatorProfile>(['default', 'strict'])(
    'cuts pieces of 1–4 code points, never inside a surrogate pair, and Chinese round-trips (%s profile)',
    async (profile) => {
      await start({ profile });
      const sessionId = await createSession(simulator, credentials);
      const reply = '你好世界😀👍🏽𝄞 mixed 中文 text, 再见! 🎉🎉🎉';
      const stream = await complete(sessionId, `SIM-REPLY: ${reply}`);
      expect(stream.text).toBe(reply);
      for (const piece of stream.pieces) {
        expect(Array.from(piece).length).toBeGreaterThanOrEqual(1);
        expect(Array.from(piece).length).toBeLessThanOrEqual(4);
        expect(piece).not.toMatch(LONE_SURROGATE);
      }
      // The Chinese words really are split across pieces.
      expect(stream.pieces).not.toContain('你好世界');
      expect(stream.pieces).not.toContain('中文');
    },
  );

  it.each([
    ['default', '\n'],
    ['strict', '\r\n'],
  ] as const)('frames the %s stream as XIPU does: meta first, data: without space, noise lines, %j line ends', async (profile, lineEnding) => {
    await start({ profile });
    const odd = await createSession(simulator, credentials);
    const even = await createSession(simulator, credentials);
    expect(odd % 2).toBe(1);
    const response = await callApi(simulator, 'completions', { text: 'SIM-REPLY: 0123456789abcdefghij', files: [], sessionId: odd }, credentials);
    const stream = await readStream(response);
    expect(stream.lines[0]).toBe(`data:{"data":{"type":"meta","sessionId":${odd}}}`);
    expect(stream.metadata).toEqual([{ type: 'meta', sessionId: odd }]);
    expect(stream.lines.filter((line) => line.startsWith('data: '))).toEqual([]);
    expect(stream.lines).toContain('');
    expect(stream.lines.some((line) => line !== '' && !line.startsWith('data:'))).toBe(true);
    const rawLines = stream.raw.split('\n').slice(0, -1);
    for (const line of rawLines) {
      const endsWithCarriageReturn = line.endsWith('\r');
      expect(endsWithCarriageReturn).toBe(lineEnding === '\r\n');
    }
    expect(stream.text).toBe('0123456789abcdefghij');
    // About half the replies end with [DONE]: here, sessions with even ids.
    expect(stream.done).toBe(false);
    expect((await complete(even, 'SIM-REPLY: x')).done).toBe(true);
  });

  it('answers an unknown session with code 1 JSON, not a stream', async () => {
    await start();
    const response = await callApi(simulator, 'completions', { text: 'hi', files: [], sessionId: 4242 }, credentials);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ code: 1, msg: 'Session not found' });
  });

  it('writes each strict-profile line in two parts, cutting inside UTF-8 sequences', async () => {
    const writes: Buffer[] = [];
    const response = {
      write: (chunk: Buffer) => writes.push(Buffer.from(chunk)) > 0,
      end: () => undefined,
    } as unknown as ServerResponse;
    const neverAborted = new AbortController().signal;
    const pieces = ['你好', '世界', '中文'];
    const outcome = await streamReply(
      response,
      { sessionId: 1, pieces, pieceDelayMs: 0, lineEnding: '\r\n', includeDone: false, splitWrites: true },
      { clientGone: neverAborted, closing: neverAborted },
    );
    expect(outcome).toBe('completed');
    expect(writes.some(cutsUtf8Sequence)).toBe(true);
    const text = Buffer.concat(writes).toString('utf8');
    expect(text.split('\r\n').filter((line) => line.startsWith('data:{"data":"'))).toEqual(pieces.map((piece) => `data:${JSON.stringify({ data: piece })}`));
  });

  it('is deterministic', () => {
    const request = { text: 'SIM-LONG: 40', model: 'DeepSeek-R1', earlierTurns: 0 };
    expect(generateReply(request)).toEqual(generateReply(request));
    expect(splitIntoPieces('你好世界 hello world', 3)).toEqual(splitIntoPieces('你好世界 hello world', 3));
    expect(splitIntoPieces('abcdefghijkl', 0).join('')).toBe('abcdefghijkl');
    expect(generateReply({ text: 'SIM-DELAY: 25\nhi', model: 'gpt-4.1', earlierTurns: 1 })).toEqual({
      text: '好的! You said: hi (turn 2)',
      answer: '好的! You said: hi (turn 2)',
      pieceDelayMs: 25,
    });
  });
});
