import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '@/simulator/start-simulator';
import { callApi, createManualClock, createSession, readLines, readStream, sessionSettings, waitUntil, type Credentials } from './simulator-client';

const TOO_FAST = { code: 429, msg: 'Request too fast, please try again later!' };
const CONTEXT_TOO_LONG = { code: 429, msg: 'The current context is too long, please adjust the length of the context and try again.' };

describe('the per-account frequency limit', () => {
  let simulator: SimulatorHandle;
  let credentials: Credentials;
  const clock = createManualClock();
  const start = async (options: SimulatorOptions) => {
    simulator = await startSimulator({ chunkDelayMs: 0, now: clock.now, ...options });
    credentials = simulator.mintCredentials();
  };
  const save = (caller: Credentials = credentials) => callApi(simulator, 'saveSession', sessionSettings(), caller);
  afterEach(async () => {
    await simulator?.close();
  });

  describe('default profile: gap between arrivals', () => {
    it('refuses a call arriving within minGapMs of the previous arrival, rejected arrivals included', async () => {
      await start({ minGapMs: 1000 });
      expect((await save()).status).toBe(200);
      clock.advance(999);
      const refused = await save();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await refused.json()).toEqual(TOO_FAST);
      // 1998 ms after the first call but 999 ms after the refused one: still too fast.
      clock.advance(999);
      expect((await save()).status).toBe(429);
      clock.advance(1000);
      expect((await save()).status).toBe(200);

      const state = simulator.state();
      expect(state.calls.saveSession).toBe(4);
      expect(state.statusCounts).toEqual({ '200': 2, '429': 2 });
      expect(state.rateLimited).toBe(2);
      expect(state.minArrivalGapMs).toBe(999);
      expect(state.sessionsCreated).toBe(2);
    });

    it('counts all three endpoints together, and each account separately', async () => {
      await start({ minGapMs: 1000 });
      const sessionId = await createSession(simulator, credentials);
      const completions = await callApi(simulator, 'completions', { text: 'hi', files: [], sessionId }, credentials);
      expect(completions.status).toBe(429);
      const deletion = await callApi(simulator, 'delSession', { ids: [sessionId] }, credentials);
      expect(deletion.status).toBe(429);
      const other = simulator.mintCredentials({ account: 'another-student' });
      expect((await save(other)).status).toBe(200);
      expect(simulator.state().calls).toEqual({ saveSession: 2, completions: 1, delSession: 1 });
    });

    it('does not treat an open stream as busy', async () => {
      await start({ minGapMs: 1000 });
      const sessionId = await createSession(simulator, credentials);
      simulator.injectFaults({ endpoint: 'completions', kind: 'stall-mid-stream', afterPieces: 1, ms: 60_000 });
      clock.advance(1000);
      const controller = new AbortController();
      const stream = await callApi(simulator, 'completions', { text: 'SIM-REPLY: abcdefgh', sessionId }, credentials, { signal: controller.signal });
      expect(stream.status).toBe(200);
      await waitUntil(() => simulator.state().openStreams === 1);
      clock.advance(1000);
      expect((await save()).status).toBe(200);
      controller.abort();
      await waitUntil(() => simulator.state().openStreams === 0);
    });

    it('enforces the gap with the real clock', async () => {
      // Wide enough that two back-to-back calls fall inside it even on a loaded machine.
      const minGapMs = 250;
      simulator = await startSimulator({ minGapMs, chunkDelayMs: 0 });
      credentials = simulator.mintCredentials();
      await save();
      expect((await save()).status).toBe(429);
      // The refused call arrived before its answer came back, so a gap from now is a gap from it.
      await new Promise((resolve) => setTimeout(resolve, minGapMs + 5));
      expect((await save()).status).toBe(200);
      expect(simulator.state().minArrivalGapMs).toBeLessThan(minGapMs);
    });
  });

  describe('strict profile', () => {
    it('counts the gap from the previous answer (a completions answer is its headers)', async () => {
      await start({ profile: 'strict', minGapMs: 1000, random: () => 0.5 }); // threshold 900 ms
      const sessionId = await createSession(simulator, credentials); // answered at t=0
      clock.advance(1000);
      simulator.injectFaults({ endpoint: 'completions', kind: 'stall-before-headers', ms: 150 });
      const pending = callApi(simulator, 'completions', { text: 'SIM-REPLY: ok', sessionId }, credentials);
      await waitUntil(() => simulator.state().callsInFlight === 1);
      clock.advance(2000); // the headers go out at t=3000
      const stream = await pending;
      expect(stream.status).toBe(200);
      expect((await readStream(stream)).text).toBe('ok');

      clock.advance(800); // 2800 ms after the completions arrival, 800 ms after its answer
      const refused = await save();
      expect(refused.status).toBe(429);
      expect(await refused.json()).toEqual(TOO_FAST);
      clock.advance(950); // a refused call's answer is its arrival
      expect((await save()).status).toBe(200);
      expect(simulator.state().minAnswerToArrivalGapMs).toBe(800);
    });

    it('treats an unanswered call and an open stream as busy, alternating the misleading text', async () => {
      await start({ profile: 'strict', minGapMs: 100 });
      const sessionId = await createSession(simulator, credentials);
      clock.advance(1000);
      simulator.injectFaults({ endpoint: 'completions', kind: 'stall-mid-stream', afterPieces: 2, ms: 60_000 });
      const controller = new AbortController();
      const stream = await callApi(simulator, 'completions', { text: 'SIM-REPLY: abcdefghijkl', sessionId }, credentials, {
        signal: controller.signal,
      });
      expect(stream.status).toBe(200);
      let pieces = 0;
      for await (const { line } of readLines(stream)) {
        if (line.startsWith('data:{"data":"')) pieces += 1;
        if (pieces === 2) break;
      }
      clock.advance(10_000);
      const bodies = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const refused = await save();
        expect(refused.status).toBe(429);
        bodies.push(await refused.json());
      }
      expect(bodies).toEqual([TOO_FAST, CONTEXT_TOO_LONG, TOO_FAST]);

      controller.abort();
      await waitUntil(() => simulator.state().openStreams === 0);
      clock.advance(10_000);
      expect((await save()).status).toBe(200);
      expect(simulator.state().abortedStreams).toBe(1);
      // The calls during the stream arrived after its answer (headers) but before it ended.
      expect(simulator.state().rateLimited).toBe(3);
    });

    it('jitters the threshold within [0.8, 1] × minGapMs using the injected random', async () => {
      let nextRandom = 0;
      await start({ profile: 'strict', minGapMs: 1000, random: () => nextRandom });
      await createSession(simulator, credentials);
      clock.advance(850); // threshold 800
      expect((await save()).status).toBe(200);
      nextRandom = 0.9; // threshold 980
      clock.advance(850);
      expect((await save()).status).toBe(429);
      clock.advance(990);
      expect((await save()).status).toBe(200);
    });
  });

  it('switches profile at run time', async () => {
    await start({ minGapMs: 1000 });
    await createSession(simulator, credentials);
    simulator.setOptions({ profile: 'strict', minGapMs: 0 });
    clock.advance(1);
    expect((await save()).status).toBe(200);
    expect(simulator.state().profile).toBe('strict');
  });
});
