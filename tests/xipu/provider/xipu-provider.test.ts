import { afterEach, describe, expect, it } from 'vitest';
import { isGatewayError } from '@/lib/errors/gateway-error';
import { createPacer } from '@/lib/pacing/pacer';
import type { ChatRequest, ChatStreamPart } from '@/lib/providers/chat-provider';
import type { CredentialSource } from '@/lib/xipu/api/credential-source';
import { createSessionRegistry } from '@/lib/xipu/sessions/session-registry';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import { createXipuProvider } from '@/lib/xipu/provider/xipu-provider';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '@/simulator/start-simulator';
import { createMemoryStore } from '@/lib/store/memory-store';
import type { Store } from '@/lib/store/store';
import { createSession } from '@/tests/simulator/simulator-client';
import { blockOf, mergeDeltas } from '@/tests/support/stream-helpers';
import { rejection } from '@/tests/support/rejection';
import { accountStore } from '@/lib/xipu/account/account-store';

/**
 * createXipuProvider against the real simulator over HTTP, with the real pacer on a memory
 * store: what the provider streams, which upstream sessions it creates and deletes, and how it
 * asks its credential source for help. The simulator's own frequency limit sits just under the
 * schedule's gap, so a call that skipped its turn would meet a 429.
 */

const SIMULATOR_GAP_MS = 20;
const SCHEDULE_GAP_MS = 30;

let simulator: SimulatorHandle | undefined;
afterEach(async () => {
  await simulator?.close();
  simulator = undefined;
});

/** A credential source that records what the provider asks of it; replacements are fresh simulator tokens. */
function createFakeCredentials(handle: SimulatorHandle) {
  const toStored = (origin: StoredCredentials['origin'], obtainedAt?: number): StoredCredentials => {
    const { jmToken, sdpSession } = handle.mintCredentials();
    return { jmToken, sdpSession, origin, obtainedAt };
  };
  const initial = toStored('env');
  const replaceRejectedCalls: Array<{ rejected: string; mayLogIn: boolean | undefined }> = [];
  const confirmCalls: Array<{ token: string; completionsSoFar: number; openSessions: number }> = [];
  const source: CredentialSource = {
    current: async () => initial,
    async replaceRejected(rejected, _context, options) {
      replaceRejectedCalls.push({ rejected: rejected.jmToken, mayLogIn: options?.mayLogIn });
      return toStored('login', Date.now());
    },
    fresherThan: async () => undefined,
    async confirm(credentials) {
      const state = handle.state();
      confirmCalls.push({ token: credentials.jmToken, completionsSoFar: state.calls.completions, openSessions: state.openStreams });
      return false;
    },
  };
  return { source, initial, replaceRejectedCalls, confirmCalls };
}

async function setUp(simulatorOptions: SimulatorOptions = {}) {
  simulator = await startSimulator({ minGapMs: SIMULATOR_GAP_MS, chunkDelayMs: 1, ...simulatorOptions });
  const store = createMemoryStore();
  const pacer = createPacer({ store, key: 'xipu-provider-test:pacer', gapMs: SCHEDULE_GAP_MS, allowanceMs: 10, maxWaitMs: 10_000, serializeStreams: false });
  const credentials = createFakeCredentials(simulator);
  const provider = createXipuProvider({
    apiBase: simulator.apiBase,
    portalUrl: simulator.portalUrl,
    models: ['gpt-4.1'],
    ownedBy: 'xipu-test',
    credentials: credentials.source,
    account: accountStore(store),
    pacer,
    firstByteTimeoutMs: 5_000,
    idleTimeoutMs: 5_000,
    thinkTags: 'split',
    serializeStreams: false,
  });
  const deferred: Array<() => Promise<void>> = [];
  const controller = new AbortController();
  const call = { signal: controller.signal, defer: (task: () => Promise<void>) => void deferred.push(task), requestId: 'req_provider_test' };
  /** Runs the cleanup the provider deferred, as `after()` would once the response closed. */
  const settle = async () => {
    while (deferred.length > 0) await deferred.shift()!();
  };
  return { simulator, store, provider, credentials, call, controller, settle, deferred };
}

function chatRequest(content: string): ChatRequest {
  return { model: 'gpt-4.1', messages: [{ role: 'user', content }], stop: [], stream: true, includeUsage: false };
}

async function readAll(stream: ReadableStream<ChatStreamPart>): Promise<ChatStreamPart[]> {
  const parts: ChatStreamPart[] = [];
  const reader = stream.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) parts.push(read.value);
  return parts;
}

/** Consecutive parts of one type merged (the simulator splits text into pieces at random places). */
const merged = mergeDeltas;


describe('createXipuProvider: one streamed answer', () => {
  it('streams reasoning, then text, then finish; one session created, deleted after the response', async () => {
    const { simulator, provider, call, settle, credentials } = await setUp();
    const stream = await provider.streamChat(chatRequest('SIM-REPLY: <think>Let me see.</think>Hello from XIPU'), call);
    expect(simulator.state().sessionsOpen).toBe(1);

    const parts = await readAll(stream);
    expect(merged(parts)).toEqual([
      ...blockOf('reasoning', 'Let me see.'),
      ...blockOf('text', 'Hello from XIPU'),
      { type: 'finish', finishReason: 'stop' },
    ]);
    // Deleted only by the deferred cleanup, never while the answer streams.
    expect(simulator.state().sessionsOpen).toBe(1);

    await settle();
    const state = simulator.state();
    expect(state).toMatchObject({ sessionsCreated: 1, sessionsDeleted: 1, sessionsOpen: 0, rateLimited: 0, completedStreams: 1 });
    expect(state.calls).toEqual({ saveSession: 1, completions: 1, delSession: 1 });
    // confirm ran once, after the completions call had answered (its headers), with the token that served.
    expect(credentials.confirmCalls).toEqual([{ token: credentials.initial.jmToken, completionsSoFar: 1, openSessions: 1 }]);
    expect(credentials.replaceRejectedCalls).toEqual([]);
  });

  it('an upstream error before the headers rejects with a GatewayError; the session is still deleted; no confirm', async () => {
    const { simulator, provider, call, settle, credentials } = await setUp();
    simulator.injectFaults({ endpoint: 'completions', kind: 'status', status: 502, body: 'Bad gateway' });
    const error = await rejection(provider.streamChat(chatRequest('SIM-REPLY: never'), call));
    expect(isGatewayError(error)).toBe(true);
    expect(simulator.state().sessionsOpen).toBe(1);

    await settle();
    expect(simulator.state()).toMatchObject({ sessionsCreated: 1, sessionsDeleted: 1, sessionsOpen: 0, rateLimited: 0 });
    expect(credentials.confirmCalls).toEqual([]);
    expect(credentials.replaceRejectedCalls).toEqual([]);
  });

  it('a client that cancels mid-answer: the upstream stream is aborted and the session deleted', async () => {
    const { simulator, provider, call, controller, settle } = await setUp();
    const stream = await provider.streamChat(chatRequest('SIM-DELAY: 20\nSIM-LONG: 400'), call);
    const reader = stream.getReader();
    const first = await reader.read();
    expect(first.value?.type).toBe('text-start');
    expect((await reader.read()).value?.type).toBe('text-delta');

    controller.abort(new Error('client gone'));
    await reader.cancel('client gone');
    await settle();
    // The simulator counts the abort once it notices the closed socket.
    await expect.poll(() => simulator.state().abortedStreams, { timeout: 2_000 }).toBe(1);
    expect(simulator.state()).toMatchObject({ sessionsCreated: 1, sessionsDeleted: 1, sessionsOpen: 0, completedStreams: 0 });
  });
});

describe('createXipuProvider: rejected tokens', () => {
  it('a 403 on completions: one replacement (mayLogIn: true), a new session with it, both sessions deleted', async () => {
    const { simulator, provider, call, settle, credentials } = await setUp();
    simulator.injectFaults({ endpoint: 'completions', kind: 'status', status: 403 });
    const parts = await readAll(await provider.streamChat(chatRequest('SIM-REPLY: after the new login'), call));
    expect(merged(parts)).toEqual([
      ...blockOf('text', 'after the new login'),
      { type: 'finish', finishReason: 'stop' },
    ]);
    expect(credentials.replaceRejectedCalls).toEqual([{ rejected: credentials.initial.jmToken, mayLogIn: true }]);
    // Confirmed once, for the replacement, after the second completions answered.
    expect(credentials.confirmCalls).toHaveLength(1);
    expect(credentials.confirmCalls[0]).toMatchObject({ completionsSoFar: 2 });
    expect(credentials.confirmCalls[0]!.token).not.toBe(credentials.initial.jmToken);

    await settle();
    expect(simulator.state()).toMatchObject({ sessionsCreated: 2, sessionsDeleted: 2, sessionsOpen: 0, rateLimited: 0 });
  });

  it('rejected again and again: at most one login per request (mayLogIn true, then false), then the error', async () => {
    const { simulator, provider, call, settle, credentials } = await setUp();
    simulator.injectFaults({ endpoint: 'completions', kind: 'status', status: 403, times: 5 });
    const error = await rejection(provider.streamChat(chatRequest('SIM-REPLY: never'), call));
    expect(error).toMatchObject({ status: 503, code: 'upstream_login_expired' });
    expect(credentials.replaceRejectedCalls.map((entry) => entry.mayLogIn)).toEqual([true, false]);
    expect(credentials.confirmCalls).toEqual([]);

    await settle();
    expect(simulator.state()).toMatchObject({ sessionsCreated: 3, sessionsDeleted: 3, sessionsOpen: 0 });
    expect(simulator.state().calls.completions).toBe(3);
  });
});

describe('createXipuProvider: the session cap', () => {
  /** One session of this gateway left upstream by a dead instance: recorded, its lease long over. */
  async function leaveExpiredSession(handle: SimulatorHandle, store: Store, credentials: StoredCredentials): Promise<number> {
    const id = await createSession(handle, credentials);
    const longAgo = Date.now() - 600_000;
    await createSessionRegistry(accountStore(store), () => longAgo, 60_000).record({ id, owner: 'req_dead_instance', model: 'gpt-4.1', createdAt: longAgo });
    // The set-up's call was unpaced: leave the account a gap before the provider's first.
    await new Promise((resolve) => setTimeout(resolve, SCHEDULE_GAP_MS));
    return id;
  }

  it('at the cap: sweeps the expired sessions, then saveSession again, and answers', async () => {
    const { simulator, store, provider, call, settle, credentials } = await setUp({ sessionCap: 1 });
    const leftover = await leaveExpiredSession(simulator, store, credentials.initial);

    const parts = await readAll(await provider.streamChat(chatRequest('SIM-REPLY: room again'), call));
    expect(merged(parts)).toEqual([
      ...blockOf('text', 'room again'),
      { type: 'finish', finishReason: 'stop' },
    ]);
    expect(simulator.state().sessions.map((session) => session.id)).not.toContain(leftover);
    expect(simulator.state().calls.saveSession).toBe(3); // the set-up's, the refused one, the retry

    await settle();
    expect(simulator.state()).toMatchObject({ sessionsCreated: 2, sessionsDeleted: 2, sessionsOpen: 0, rateLimited: 0 });
  });

  it('at the cap with nothing of its own to sweep: 503 upstream_session_cap after one sweep, no retry', async () => {
    const { simulator, provider, call, settle, credentials } = await setUp({ sessionCap: 1 });
    await createSession(simulator, credentials.initial); // someone's chat in the web history
    await new Promise((resolve) => setTimeout(resolve, SCHEDULE_GAP_MS));

    const error = await rejection(provider.streamChat(chatRequest('SIM-REPLY: no room'), call));
    expect(error).toMatchObject({ status: 503, code: 'upstream_session_cap' });
    expect(simulator.state().calls).toMatchObject({ saveSession: 2, completions: 0 });
    await settle();
    expect(simulator.state().sessionsOpen).toBe(1);
  });
});
