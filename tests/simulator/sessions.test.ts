import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '@/simulator/start-simulator';
import { callApi, createSession, sessionSettings, type Credentials } from './simulator-client';

describe('sessions', () => {
  let simulator: SimulatorHandle;
  let credentials: Credentials;
  const start = async (options: SimulatorOptions = {}) => {
    await simulator?.close();
    simulator = await startSimulator({ minGapMs: 0, chunkDelayMs: 0, ...options });
    credentials = simulator.mintCredentials();
  };
  const save = async (body: Record<string, unknown>) => {
    const response = await callApi(simulator, 'saveSession', body, credentials);
    expect(response.status).toBe(200);
    return (await response.json()) as { code: number; msg: string; data?: { id: number } };
  };
  afterEach(async () => {
    await simulator?.close();
  });

  it('creates sessions with incrementing ids and the given settings', async () => {
    await start();
    const first = await save(sessionSettings({ name: 'API · one', model: 'DeepSeek-R1', temperature: 0.2, maxToken: 100 }));
    const second = await save(sessionSettings({ name: 'API · two' }));
    expect(first).toEqual({ code: 0, msg: 'success', data: { id: 1 } });
    expect(second).toEqual({ code: 0, msg: 'success', data: { id: 2 } });
    expect(simulator.state().sessions).toEqual([
      { id: 1, account: 'demo-student', name: 'API · one', model: 'DeepSeek-R1', createdBy: 'api', turns: 0 },
      { id: 2, account: 'demo-student', name: 'API · two', model: 'gpt-4.1', createdBy: 'api', turns: 0 },
    ]);
    expect(simulator.state().sessionsCreated).toBe(2);
  });

  it('refuses an unknown model with code 1 and creates nothing', async () => {
    await start();
    expect(await save(sessionSettings({ model: 'gpt-99-imaginary' }))).toEqual({ code: 1, msg: 'Model gpt-99-imaginary is not available' });
    expect(simulator.state().sessionsOpen).toBe(0);
    await start({ models: ['only-model'] });
    expect((await save(sessionSettings({ model: 'gpt-4.1' }))).code).toBe(1);
    expect((await save(sessionSettings({ model: 'only-model' }))).code).toBe(0);
  });

  it('refuses the session over the cap with the exact message', async () => {
    await start({ sessionCap: 3 });
    for (let index = 0; index < 3; index += 1) expect((await save(sessionSettings())).code).toBe(0);
    expect(await save(sessionSettings())).toEqual({ code: 1, msg: 'You have created 3 sessions, please delete some of them first!' });
    expect(simulator.state().sessionsOpen).toBe(3);
  });

  it("counts the owner's browser sessions toward the default cap of 50", async () => {
    await start();
    const browserIds = simulator.createBrowserSessions({ count: 49 });
    expect(browserIds).toHaveLength(49);
    expect((await save(sessionSettings())).code).toBe(0);
    expect(await save(sessionSettings())).toEqual({ code: 1, msg: 'You have created 50 sessions, please delete some of them first!' });
    expect(simulator.createBrowserSessions({ count: 1 })).toEqual([]);
    const state = simulator.state();
    expect(state.sessions.filter((session) => session.createdBy === 'browser' && session.name === 'New Chat')).toHaveLength(49);
    // Another account has its own cap.
    credentials = simulator.mintCredentials({ account: 'another-student' });
    expect((await save(sessionSettings())).code).toBe(0);
  });

  it('updates a session in place when given its id', async () => {
    await start();
    const id = await createSession(simulator, credentials);
    expect(await save(sessionSettings({ id, name: 'Persistent Heartbeat Session', model: 'o3-mini' }))).toEqual({
      code: 0,
      msg: 'success',
      data: { id },
    });
    expect(await save({ id, model: 'gpt-99-imaginary' })).toEqual({ code: 1, msg: 'Model gpt-99-imaginary is not available' });
    const state = simulator.state();
    expect(state.sessions).toEqual([expect.objectContaining({ id, name: 'Persistent Heartbeat Session', model: 'o3-mini' })]);
    expect(state.sessionsCreated).toBe(1);
  });

  it("answers a stale id with Session not found, or with staleSessionUpdate 'new-id' silently with a new id", async () => {
    await start();
    const id = await createSession(simulator, credentials);
    await callApi(simulator, 'delSession', { ids: [id] }, credentials);
    expect(await save(sessionSettings({ id }))).toEqual({ code: 1, msg: 'Session not found' });
    expect(simulator.state().sessionsOpen).toBe(0);

    simulator.setOptions({ staleSessionUpdate: 'new-id' });
    const reply = await save(sessionSettings({ id, name: 'heartbeat' }));
    expect(reply.code).toBe(0);
    expect(reply.data?.id).not.toBe(id);
    expect(simulator.state().sessions).toEqual([expect.objectContaining({ id: reply.data?.id, name: 'heartbeat', createdBy: 'api' })]);
  });

  it('deletes the listed sessions in batches, ignoring unknown ids, and counts each batch', async () => {
    await start();
    const ids = [await createSession(simulator, credentials), await createSession(simulator, credentials), await createSession(simulator, credentials)];
    const [first, second, third] = ids as [number, number, number];
    const firstBatch = await callApi(simulator, 'delSession', { ids: [first, second, 9_999] }, credentials);
    expect(await firstBatch.json()).toEqual({ code: 0, msg: 'success' });
    expect(simulator.state().sessions.map((session) => session.id)).toEqual([third]);
    await callApi(simulator, 'delSession', { ids: [third] }, credentials);
    const state = simulator.state();
    expect(state.sessionsDeleted).toBe(3);
    expect(state.sessionsOpen).toBe(0);
    expect(state.delSessionBatches).toEqual({ calls: 2, idsPerCall: [3, 1] });
  });

  it("with delSessionUnknownIds 'refuse', refuses any call listing an unknown id and deletes nothing", async () => {
    await start({ delSessionUnknownIds: 'refuse' });
    expect(simulator.state().delSessionUnknownIds).toBe('refuse');
    const [first, second, gone] = [
      await createSession(simulator, credentials),
      await createSession(simulator, credentials),
      await createSession(simulator, credentials),
    ] as [number, number, number];
    const remove = async (ids: number[]) => (await callApi(simulator, 'delSession', { ids }, credentials)).json();
    expect(await remove([gone])).toEqual({ code: 0, msg: 'success' }); // the owner deletes it in the web history

    expect(await remove([first, gone, second])).toEqual({ code: 1, msg: 'Session not found' });
    expect(await remove([gone])).toEqual({ code: 1, msg: 'Session not found' });
    // Another account's session is unknown to this one.
    const stranger = simulator.mintCredentials({ account: 'another-student' });
    expect(await (await callApi(simulator, 'delSession', { ids: [first] }, stranger)).json()).toEqual({ code: 1, msg: 'Session not found' });
    expect(simulator.state()).toMatchObject({ sessionsOpen: 2, sessionsDeleted: 1, delSessionBatches: { calls: 4, idsPerCall: [1, 3, 1, 1] } });

    expect(await remove([first, second])).toEqual({ code: 0, msg: 'success' });
    expect(simulator.state().sessionsOpen).toBe(0);

    // Changed at run time (the HTTP route takes the same schema, see control-endpoints.test.ts).
    simulator.setOptions({ delSessionUnknownIds: 'ignore' });
    expect(await remove([gone])).toEqual({ code: 0, msg: 'success' });
    simulator.injectFaults({ endpoint: 'delSession', kind: 'refuse', msg: 'System busy' });
    expect(await remove([gone])).toEqual({ code: 1, msg: 'System busy' });
  });

  it('answers malformed bodies with code 1', async () => {
    await start();
    expect(await save({ name: 'no model' })).toEqual({ code: 1, msg: 'Invalid request parameters' });
    const deletion = await callApi(simulator, 'delSession', { ids: 'all' }, credentials);
    expect(await deletion.json()).toEqual({ code: 1, msg: 'Invalid request parameters' });
    expect(simulator.state().delSessionBatches.calls).toBe(0);
  });
});
