import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { callApi, createSession, readLines, readStream, sessionSettings, waitUntil, type Credentials } from './simulator-client';

const CANNED_REFUSAL =
  "Unfortunately, I don't have any relevant information regarding this matter. However. Please feel free to ask me other questions, and I'll do my best to help.";
const REPLY = 'SIM-REPLY: abcdefghijklmnopqrstuvwxyz';

describe('injected faults', () => {
  let simulator: SimulatorHandle;
  let credentials: Credentials;
  let sessionId: number;
  beforeEach(async () => {
    simulator = await startSimulator({ minGapMs: 0, chunkDelayMs: 0 });
    credentials = simulator.mintCredentials();
    sessionId = await createSession(simulator, credentials);
  });
  afterEach(async () => {
    await simulator.close();
  });
  const save = () => callApi(simulator, 'saveSession', sessionSettings(), credentials);
  const complete = (text = REPLY, signal?: AbortSignal) => callApi(simulator, 'completions', { text, files: [], sessionId }, credentials, { signal });

  it.each([
    [429, { code: 429, msg: 'Request too fast, please try again later!' }],
    [403, { code: 403, msg: 'token expired' }],
    [500, { code: 500, msg: 'token error' }],
  ])('status %i answers with the fitting default body', async (status, body) => {
    simulator.injectFaults({ endpoint: 'saveSession', kind: 'status', status });
    const response = await save();
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual(body);
    expect((await save()).status).toBe(200);
  });

  it('status with a body sends it as is, `times` times, on its endpoint only', async () => {
    simulator.injectFaults({ endpoint: 'completions', kind: 'status', status: 502, body: '<html>Bad Gateway</html>', times: 2 });
    expect((await save()).status).toBe(200);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await complete();
      expect(response.status).toBe(502);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await response.text()).toBe('<html>Bad Gateway</html>');
    }
    expect((await readStream(await complete())).text).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(simulator.state().statusCounts).toEqual({ '200': 3, '502': 2 });
    expect(simulator.state().faultsPending).toBe(0);
  });

  it('refuse answers saveSession with code 1 and the message', async () => {
    simulator.injectFaults({ endpoint: 'saveSession', kind: 'refuse', msg: 'Service busy' });
    const response = await save();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ code: 1, msg: 'Service busy' });
    expect(simulator.state().sessionsCreated).toBe(1);
  });

  it('stall-before-headers holds the headers back', async () => {
    simulator.injectFaults({ endpoint: 'completions', kind: 'stall-before-headers', ms: 150 });
    const sentAt = performance.now();
    const pending = complete();
    await waitUntil(() => simulator.state().callsInFlight === 1);
    const response = await pending;
    expect(performance.now() - sentAt).toBeGreaterThanOrEqual(140);
    expect(simulator.state().callsInFlight).toBe(0);
    expect((await readStream(response)).text).toBe('abcdefghijklmnopqrstuvwxyz');
  });

  it('stall-mid-stream pauses after the given number of pieces', async () => {
    simulator.injectFaults({ endpoint: 'completions', kind: 'stall-mid-stream', afterPieces: 3, ms: 150 });
    const stream = await readStream(await complete());
    expect(stream.text).toBe('abcdefghijklmnopqrstuvwxyz');
    const gaps = stream.pieceTimes.slice(1).map((time, index) => time - (stream.pieceTimes[index] ?? 0));
    expect(gaps[2]).toBeGreaterThanOrEqual(140);
    expect(Math.max(...gaps.filter((_gap, index) => index !== 2))).toBeLessThan(140);
  });

  it('drop-mid-stream destroys the socket after the given number of pieces', async () => {
    simulator.injectFaults({ endpoint: 'completions', kind: 'drop-mid-stream', afterPieces: 3 });
    const response = await complete();
    const pieces: string[] = [];
    const reading = (async () => {
      for await (const { line } of readLines(response)) {
        if (line.startsWith('data:{"data":"')) pieces.push((JSON.parse(line.slice(5)) as { data: string }).data);
      }
    })();
    await expect(reading).rejects.toThrow();
    expect(pieces).toHaveLength(3);
    await waitUntil(() => simulator.state().openStreams === 0);
    expect(simulator.state()).toMatchObject({ droppedStreams: 1, abortedStreams: 0, completedStreams: 0 });
  });

  it('empty-stream, canned-refusal and request-err override an ordinary prompt, in injection order', async () => {
    simulator.injectFaults(
      { endpoint: 'completions', kind: 'empty-stream' },
      { endpoint: 'saveSession', kind: 'refuse', msg: 'not for completions' },
      { endpoint: 'completions', kind: 'canned-refusal' },
      { endpoint: 'completions', kind: 'request-err' },
    );
    const empty = await readStream(await complete());
    expect(empty.pieces).toEqual([]);
    const refusal = await readStream(await complete());
    expect(refusal.text).toBe(CANNED_REFUSAL);
    expect(refusal.pieces.every((piece) => Array.from(piece).length === 1)).toBe(true);
    const requestError = await complete();
    expect(requestError.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await requestError.text()).toBe('Request Err!');
    expect((await readStream(await complete())).text).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(simulator.state().faultsPending).toBe(1);
    expect(await (await save()).json()).toEqual({ code: 1, msg: 'not for completions' });
  });

  it('a stream fault waits behind an earlier status fault of the same endpoint', async () => {
    simulator.injectFaults({ endpoint: 'completions', kind: 'empty-stream' }, { endpoint: 'completions', kind: 'status', status: 500 });
    expect((await readStream(await complete())).pieces).toEqual([]);
    expect((await complete()).status).toBe(500);
  });

  it('expire-tokens makes every token minted so far answer 403', async () => {
    simulator.injectFaults({ kind: 'expire-tokens' });
    const response = await complete();
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ code: 403, msg: 'token expired' });
  });
});
