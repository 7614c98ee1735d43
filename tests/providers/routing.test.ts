import { describe, expect, it, vi } from 'vitest';
import { GatewayError, invalidRequest } from '@/lib/errors/gateway-error';
import type { ChatProvider, ChatRequest, ChatStreamPart, Readiness } from '@/lib/providers/chat-provider';
import { failOver, failoverProvider } from '@/lib/providers/fail-over';
import { createProviderRegistry, staticSource, type ModelSource } from '@/lib/providers/provider-registry';
import { textBlock } from '@/lib/providers/stream-blocks';
import { readAll } from '@/tests/support/stream-helpers';

/** An endpoint that lists `models`, reports `readiness`, and starts or fails as told. */
function endpoint(id: string, options: { models?: string[]; readiness?: Readiness | (() => Promise<Readiness>); fails?: unknown; native?: boolean } = {}) {
  const calls: string[] = [];
  const provider: ChatProvider & { calls: string[] } = {
    id,
    calls,
    native: options.native ? { tools: true, responseFormat: true } : undefined,
    listModels: () => (options.models ?? ['m']).map((model) => ({ id: model, ownedBy: id, created: 0 })),
    readiness:
      options.readiness === undefined
        ? undefined
        : typeof options.readiness === 'function'
          ? options.readiness
          : async () => options.readiness as Readiness,
    async streamChat(request: ChatRequest) {
      calls.push(request.model);
      if (options.fails !== undefined) throw options.fails;
      return new ReadableStream<ChatStreamPart>({
        start(controller) {
          for (const part of textBlock('text-0', `from ${id}`)) controller.enqueue(part);
          controller.enqueue({ type: 'finish', finishReason: 'stop' });
          controller.close();
        },
      });
    },
  };
  return provider;
}

const request: ChatRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }], stop: [], stream: true, includeUsage: false };
const callOptions = () => ({ signal: new AbortController().signal, defer: () => {}, requestId: 'req-1' });
const ready = (startsInMs: number, inFlight = 0): Readiness => ({ available: true, startsInMs, inFlight });

describe('route(model)', () => {
  it('orders the endpoints that list the model: available first, then the soonest start, then the fewest in flight', async () => {
    const late = endpoint('late', { readiness: ready(900) });
    const busy = endpoint('busy', { readiness: ready(0, 3) });
    const idle = endpoint('idle', { readiness: ready(0, 1) });
    const down = endpoint('down', { readiness: { available: false, reason: 'logging in' } });
    const other = endpoint('other', { models: ['n'], readiness: ready(0) });
    const registry = createProviderRegistry([staticSource('a', [down, late, busy]), staticSource('b', [idle, other])]);
    expect((await registry.route('m')).map((found) => found.id)).toEqual(['idle', 'busy', 'late', 'down']);
    expect((await registry.route('n')).map((found) => found.id)).toEqual(['other']);
  });

  it('sends ids nobody lists to the pass-through source, and to nobody without one', async () => {
    const xipu = endpoint('xipu', { models: ['gpt-4.1'] });
    const listed = endpoint('up', { models: ['llama'] });
    expect((await createProviderRegistry([staticSource('up', [listed]), staticSource('xipu', [xipu], { passThrough: true })]).route('new-model')).map((found) => found.id)).toEqual(['xipu']);
    expect(await createProviderRegistry([staticSource('up', [listed])]).route('new-model')).toEqual([]);
  });

  it('sends an id another source lists to that source only: the pass-through source is no fallback for it', async () => {
    const xipu = endpoint('xipu', { models: ['gpt-4.1'] });
    const listed = endpoint('up', { models: ['llama'] });
    const registry = createProviderRegistry([staticSource('up', [listed]), staticSource('xipu', [xipu], { passThrough: true })]);
    expect((await registry.route('llama')).map((found) => found.id)).toEqual(['up']);
    expect((await registry.route('gpt-4.1')).map((found) => found.id)).toEqual(['xipu']);
  });

  it('reads no readiness for a single endpoint (one account costs no store command)', async () => {
    const readiness = vi.fn(async () => ready(0));
    const only = endpoint('only', { readiness });
    expect((await createProviderRegistry([staticSource('xipu', [only], { passThrough: true })]).route('m')).map((found) => found.id)).toEqual(['only']);
    expect(readiness).not.toHaveBeenCalled();
  });

  it('keeps going when a readiness read fails: that endpoint goes after the ones that answered', async () => {
    const broken = endpoint('broken', { readiness: async () => Promise.reject(new Error('store down')) });
    const fine = endpoint('fine', { readiness: ready(5_000) });
    expect((await createProviderRegistry([staticSource('s', [broken, fine])]).route('m')).map((found) => found.id)).toEqual(['fine', 'broken']);
  });

  it('merges the model lists: an id two sources list appears once, the first source\'s card', async () => {
    const sources: ModelSource[] = [staticSource('a', [endpoint('a1', { models: ['x', 'y'] })]), staticSource('b', [endpoint('b1', { models: ['y', 'z'] })])];
    const registry = createProviderRegistry(sources);
    expect((await registry.listModels()).map((card) => `${card.id}:${card.ownedBy}`)).toEqual(['x:a1', 'y:a1', 'z:b1']);
    expect((await registry.findModel('z'))?.ownedBy).toBe('b1');
    expect(await registry.findModel('nope')).toBeUndefined();
  });
});

describe('failover before the first byte', () => {
  it('tries the next endpoint when a start fails for the endpoint\'s reasons, and tells each attempt', async () => {
    const first = endpoint('first', { fails: new GatewayError('down', { status: 503, type: 'server_error' }) });
    const second = endpoint('second', { fails: new Error('connect ECONNREFUSED') });
    const third = endpoint('third');
    const attempts: string[] = [];
    const provider = failoverProvider([first, second, third], (found) => attempts.push(found.id));
    const parts = await readAll(await provider.streamChat(request, callOptions()));
    expect(parts.filter((part) => part.type === 'text-delta').map((part) => (part as { text: string }).text).join('')).toBe('from third');
    expect(attempts).toEqual(['first', 'second', 'third']);
    expect([first.calls.length, second.calls.length, third.calls.length]).toEqual([1, 1, 1]);
  });

  it('stops at the request\'s own fault: another endpoint would refuse it too', async () => {
    const first = endpoint('first', { fails: invalidRequest('bad messages', 'messages') });
    const second = endpoint('second');
    await expect(failoverProvider([first, second]).streamChat(request, callOptions())).rejects.toMatchObject({ status: 400 });
    expect(second.calls).toEqual([]);
  });

  it('stops when the client is gone', async () => {
    const controller = new AbortController();
    const first = endpoint('first', { fails: new GatewayError('busy', { status: 429, type: 'rate_limit_error' }) });
    const second = endpoint('second');
    controller.abort();
    await expect(failOver([first, second], (found) => found.streamChat(request, callOptions()), { signal: controller.signal, requestId: 'r' })).rejects.toMatchObject({ status: 429 });
    expect(second.calls).toEqual([]);
  });

  it('throws the last endpoint\'s error when all fail', async () => {
    const first = endpoint('first', { fails: new GatewayError('one', { status: 502, type: 'server_error' }) });
    const second = endpoint('second', { fails: new GatewayError('two', { status: 504, type: 'server_error' }) });
    await expect(failoverProvider([first, second]).streamChat(request, callOptions())).rejects.toMatchObject({ message: 'two' });
  });

  it('never switches once the stream has started: a failure after that is the stream\'s own', async () => {
    const failing: ChatProvider = {
      ...endpoint('failing'),
      async streamChat() {
        return new ReadableStream<ChatStreamPart>({
          start(controller) {
            controller.enqueue({ type: 'text-start', id: 'text-0' });
            controller.enqueue({ type: 'text-delta', id: 'text-0', text: 'partial' });
            controller.enqueue({ type: 'error', error: new GatewayError('dropped', { status: 502, type: 'server_error' }) });
            controller.close();
          },
        });
      },
    };
    const spare = endpoint('spare');
    const parts = await readAll(await failoverProvider([failing, spare]).streamChat(request, callOptions()));
    expect(parts.at(-1)?.type).toBe('error');
    expect(spare.calls).toEqual([]);
  });

  it('keeps only the endpoints that handle tools like the best one', async () => {
    const native = endpoint('native', { native: true, fails: new GatewayError('down', { status: 503, type: 'server_error' }) });
    const emulated = endpoint('emulated');
    const provider = failoverProvider([native, emulated]);
    expect(provider.native?.tools).toBe(true);
    await expect(provider.streamChat(request, callOptions())).rejects.toMatchObject({ status: 503 });
    expect(emulated.calls).toEqual([]);
  });
});
