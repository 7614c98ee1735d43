import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle, type SimulatorState } from '@/simulator/start-simulator';
import { callApi, createSession, readStream, sessionSettings } from './simulator-client';

describe('HTTP control endpoints', () => {
  let simulator: SimulatorHandle;
  beforeEach(async () => {
    simulator = await startSimulator({ minGapMs: 60_000, chunkDelayMs: 0 });
  });
  afterEach(async () => {
    await simulator.close();
  });
  const control = (path: string, body?: unknown, method = 'POST') =>
    fetch(`${simulator.url}/__sim/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const readState = async () => (await (await control('state', undefined, 'GET')).json()) as SimulatorState;

  it('mints credentials over HTTP that work on the API', async () => {
    const response = await control('credentials', { account: 'alice', lifetimeSeconds: 60 });
    expect(response.status).toBe(200);
    const minted = (await response.json()) as { jmToken: string; sdpSession: string; expiresAt: number };
    expect(decodeJwt(minted.jmToken)).toMatchObject({ sub: 'alice', exp: minted.expiresAt });
    expect(minted.expiresAt - Date.now() / 1000).toBeGreaterThan(55);
    expect((await callApi(simulator, 'saveSession', sessionSettings(), minted)).status).toBe(200);
    expect((await readState()).sessions).toEqual([expect.objectContaining({ account: 'alice', createdBy: 'api' })]);
  });

  it('reports the same state over HTTP as in process', async () => {
    const credentials = simulator.mintCredentials();
    await createSession(simulator, credentials);
    expect(await callApi(simulator, 'saveSession', sessionSettings(), credentials).then((response) => response.status)).toBe(429);
    const state = await readState();
    expect(state).toEqual(simulator.state());
    expect(state).toMatchObject({ profile: 'default', rateLimited: 1, sessionsOpen: 1, calls: { saveSession: 2, completions: 0, delSession: 0 } });
    expect(state.minArrivalGapMs).not.toBeNull();
    expect(state.minAnswerToArrivalGapMs).not.toBeNull();
  });

  it('injects faults over HTTP and rejects invalid ones with 400', async () => {
    const accepted = await control('faults', { faults: [{ endpoint: 'saveSession', kind: 'refuse', msg: 'nope' }] });
    expect(await accepted.json()).toEqual({ ok: true, faultsPending: 1 });
    const credentials = simulator.mintCredentials();
    const response = await callApi(simulator, 'saveSession', sessionSettings(), credentials);
    expect(await response.json()).toEqual({ code: 1, msg: 'nope' });

    const invalid = await control('faults', { faults: [{ endpoint: 'delSession', kind: 'drop-mid-stream', afterPieces: 1 }] });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: string }).error.length).toBeGreaterThan(0);
    expect((await control('faults', 'not json at all')).status).toBe(400);
    expect((await readState()).faultsPending).toBe(0);
  });

  it("creates the owner's browser sessions, stopping at the cap", async () => {
    const response = await control('browser-sessions', { count: 2, account: 'alice' });
    const reply = (await response.json()) as { ids: number[]; capReached: boolean };
    expect(reply).toEqual({ ids: [1, 2], capReached: false });
    const state = await readState();
    expect(state.sessions).toEqual([
      { id: 1, account: 'alice', name: 'New Chat', model: 'DeepSeek-R1', createdBy: 'browser', turns: 0 },
      { id: 2, account: 'alice', name: 'New Chat', model: 'DeepSeek-R1', createdBy: 'browser', turns: 0 },
    ]);
    const full = (await (await control('browser-sessions', { count: 60, account: 'alice' })).json()) as { ids: number[]; capReached: boolean };
    expect(full.ids).toHaveLength(48);
    expect(full.capReached).toBe(true);
    expect((await control('browser-sessions', { count: -1 })).status).toBe(400);
  });

  it('changes options at run time and rejects unknown or invalid ones', async () => {
    const response = await control('options', { profile: 'strict', minGapMs: 0, chunkDelayMs: 0, delSessionUnknownIds: 'refuse' });
    expect(await response.json()).toEqual({
      ok: true,
      options: { profile: 'strict', minGapMs: 0, chunkDelayMs: 0, sessionCap: 50, staleSessionUpdate: 'error', delSessionUnknownIds: 'refuse' },
    });
    // Strict now: \r\n line ends; no gap needed.
    const credentials = simulator.mintCredentials();
    const sessionId = await createSession(simulator, credentials);
    const stream = await readStream(await callApi(simulator, 'completions', { text: 'SIM-REPLY: ok', sessionId }, credentials));
    expect(stream.raw).toContain('\r\n');
    // And a delSession listing an unknown id is refused.
    expect(await (await callApi(simulator, 'delSession', { ids: [sessionId, 9_999] }, credentials)).json()).toEqual({ code: 1, msg: 'Session not found' });
    expect((await control('options', { delSessionUnknownIds: 'sometimes' })).status).toBe(400);
    expect((await control('options', { minGapMs: -5 })).status).toBe(400);
    expect((await control('options', { profile: 'lenient' })).status).toBe(400);
    expect((await control('options', { colour: 'blue' })).status).toBe(400);
  });

  it('resets sessions, counters, faults and pacing, keeping credentials valid', async () => {
    const credentials = simulator.mintCredentials();
    await createSession(simulator, credentials);
    simulator.injectFaults({ endpoint: 'completions', kind: 'empty-stream' });
    expect((await control('reset')).status).toBe(200);
    const state = await readState();
    expect(state).toMatchObject({
      sessionsOpen: 0,
      sessions: [],
      sessionsCreated: 0,
      calls: { saveSession: 0, completions: 0, delSession: 0 },
      statusCounts: {},
      faultsPending: 0,
      minArrivalGapMs: null,
    });
    // Pacing memory is gone (a 60 s gap would refuse otherwise) and the old credentials work.
    expect((await callApi(simulator, 'saveSession', sessionSettings(), credentials)).status).toBe(200);
  });

  it('never rate limits control routes and does not count them as calls', async () => {
    const statuses = await Promise.all(Array.from({ length: 10 }, () => control('state', undefined, 'GET').then((response) => response.status)));
    expect(statuses).toEqual(Array(10).fill(200));
    simulator.createBrowserSessions({ count: 3 });
    simulator.createBrowserSessions({ count: 3 });
    expect(simulator.state()).toMatchObject({ rateLimited: 0, calls: { saveSession: 0, completions: 0, delSession: 0 }, sessionsCreated: 6 });
  });

  it('answers 404 and 405 for other paths and methods', async () => {
    expect((await control('nothing-here')).status).toBe(404);
    expect((await control('state')).status).toBe(405);
    expect((await control('reset', undefined, 'GET')).status).toBe(405);
    const getApi = await fetch(`${simulator.apiBase}/saveSession?sf_request_type=ajax`);
    expect(getApi.status).toBe(405);
    expect(getApi.headers.get('allow')).toBe('POST');
    expect((await fetch(`${simulator.apiBase}/listSessions`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${simulator.url}/`, { method: 'POST' })).status).toBe(404);
    expect(simulator.state().calls).toEqual({ saveSession: 0, completions: 0, delSession: 0 });
  });

  it('in the strict profile, 404s an endpoint called without its sf_request_type', async () => {
    simulator.setOptions({ profile: 'strict', minGapMs: 0 });
    const credentials = simulator.mintCredentials();
    expect((await callApi(simulator, 'saveSession', sessionSettings(), credentials, { requestType: null })).status).toBe(404);
    expect((await callApi(simulator, 'saveSession', sessionSettings(), credentials, { requestType: 'fetch' })).status).toBe(404);
    expect((await callApi(simulator, 'saveSession', sessionSettings(), credentials)).status).toBe(200);
    simulator.setOptions({ profile: 'default' });
    simulator.reset();
    expect((await callApi(simulator, 'saveSession', sessionSettings(), credentials, { requestType: null })).status).toBe(200);
  });
});
