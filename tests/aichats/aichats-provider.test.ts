import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAichatsProvider } from '@/lib/aichats/create-aichats-provider';
import { isGatewayError } from '@/lib/errors/gateway-error';
import type { ChatRequest, ChatStreamPart } from '@/lib/providers/chat-provider';
import { startAichatsSimulator, type AichatsSimulatorHandle } from '@/simulator/aichats/start-aichats-simulator';
import { readAll } from '../support/stream-helpers';

/** The provider against the standalone ai-chats.org simulator over real HTTP. */
let site: AichatsSimulatorHandle;

beforeAll(async () => {
  site = await startAichatsSimulator();
});
afterEach(() => site.reset());
afterAll(async () => {
  await site.close();
});

const provider = (overrides: { firstByteTimeoutMs?: number; fetch?: typeof fetch } = {}) =>
  createAichatsProvider({ baseUrl: site.url, firstByteTimeoutMs: overrides.firstByteTimeoutMs ?? 2_000, idleTimeoutMs: 2_000, fetch: overrides.fetch });
const options = (signal = new AbortController().signal) => ({ signal, defer: () => {}, requestId: 'req-test' });
const request = (content: string): ChatRequest => ({ model: 'gpt-4o', messages: [{ role: 'user', content }], stop: [], stream: true, includeUsage: false });
const textOf = (parts: readonly ChatStreamPart[]) => parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
const rejection = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('createAichatsProvider', () => {
  it('lists gpt-4o (and the dated id the seed allowed), owned by aichats; text only', () => {
    const aichats = provider();
    expect(aichats.id).toBe('aichats');
    expect(aichats.listModels().map((card) => [card.id, card.ownedBy])).toEqual([
      ['gpt-4o', 'aichats'],
      ['gpt-4o-2024-05-13', 'aichats'],
    ]);
    expect(aichats.native).toBeUndefined();
    expect(aichats.emptyAnswerNotice).toMatch(/may have changed/);
  });

  it('posts the seed\'s body to /chat/send2/ and streams the cleaned answer', async () => {
    const sent: Array<{ url: string; body: unknown; headers: Headers }> = [];
    const recording: typeof fetch = async (url, init) => {
      sent.push({ url: String(url), body: JSON.parse(String(init?.body)), headers: new Headers(init?.headers) });
      return fetch(url, init);
    };
    for (const said of ['one', 'two']) {
      const parts = await readAll(await provider({ fetch: recording }).streamChat(request(said), options()));
      expect(textOf(parts)).toBe(`This is the ai-chats.org simulator (gpt-4o).\nYou said: "${said}"`);
      expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    }
    expect(sent[0]).toMatchObject({ url: `${site.url}/chat/send2/`, body: { type: 'chat', messagesHistory: [{ from: 'you', content: 'one' }] } });
    expect(sent[0]!.headers.get('accept')).toBe('application/json, text/event-stream');
    expect(sent[0]!.headers.get('origin')).toBe(site.url);
    expect(site.state()).toMatchObject({ calls: 2, completed: 2, aborted: 0 });
  });

  it.each([
    ['status-500', 500, 'upstream_error'],
    ['status-429', 429, 'upstream_rate_limited'],
    ['html', 502, 'upstream_malformed'],
  ] as const)('refuses with a GatewayError before the stream starts (%s → %i)', async (fault, status, code) => {
    site.setFault(fault);
    const error = await rejection(provider().streamChat(request('x'), options()));
    expect(isGatewayError(error) && { status: error.status, code: error.code }).toEqual({ status, code });
    if (fault === 'status-429' && isGatewayError(error)) expect(error.retryAfterSeconds).toBe(3);
  });

  it('a dropped connection ends the stream in an error part', async () => {
    site.setFault('drop-mid-stream');
    const parts = await readAll(await provider().streamChat(request('cut'), options()));
    expect(parts.at(-1)?.type).toBe('error');
  });

  it('an unreachable site is a 502 GatewayError', async () => {
    const dead = createAichatsProvider({ baseUrl: 'http://127.0.0.1:1', firstByteTimeoutMs: 1_000, idleTimeoutMs: 1_000 });
    const error = await rejection(dead.streamChat(request('x'), options()));
    expect(isGatewayError(error) && error.status).toBe(502);
  });

  it('cancelling the stream (client gone) closes the upstream call', async () => {
    site.setOptions({ pieceDelayMs: 40 });
    const controller = new AbortController();
    const reader = (await provider().streamChat(request('many words to stream one at a time'), options(controller.signal))).getReader();
    await reader.read();
    controller.abort();
    await reader.cancel();
    const deadline = Date.now() + 3_000;
    while (site.state().aborted === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(site.state()).toMatchObject({ aborted: 1, completed: 0 });
  });
});

describe('the ai-chats.org simulator', () => {
  it('answers 400 to a malformed body', async () => {
    for (const body of ['not json', '{}', JSON.stringify({ type: 'chat', messagesHistory: [{ from: 'user', content: 'x' }] })]) {
      const response = await fetch(`${site.url}/chat/send2/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(400);
    }
    expect(site.state().calls).toBe(3);
  });

  it('takes faults and options over HTTP and reports its state', async () => {
    const set = await fetch(`${site.url}/__sim/aichats/fault`, { method: 'POST', body: JSON.stringify({ fault: 'status-500' }) });
    expect(set.status).toBe(200);
    expect(site.state().fault).toBe('status-500');
    expect((await fetch(`${site.url}/__sim/aichats/fault`, { method: 'POST', body: JSON.stringify({ fault: 'nonsense' }) })).status).toBe(400);
    await fetch(`${site.url}/__sim/aichats/fault`, { method: 'POST', body: JSON.stringify({ fault: null }) });
    await fetch(`${site.url}/__sim/aichats/options`, { method: 'POST', body: JSON.stringify({ pieceDelayMs: 5 }) });
    const state = (await (await fetch(`${site.url}/__sim/aichats/state`)).json()) as { fault: unknown; pieceDelayMs: number };
    expect(state).toMatchObject({ fault: null, pieceDelayMs: 5 });
  });
});
