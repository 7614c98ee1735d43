import { describe, expect, it } from 'vitest';
import { runChatCompletion, type ChatRunEnd, type ChatRunScope } from '@/lib/chat/run-chat-completion';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatCallOptions, ChatProvider, ChatRequest, ChatStreamPart } from '@/lib/providers/chat-provider';
import { parseSseText } from '../support/read-sse';

/**
 * runChatCompletion with a fake provider that yields scripted parts: what the client gets
 * (the SSE sequence, or one chat.completion), the shaping on the way (stop sequences), the
 * start deadline handed to the provider, and what the metrics observer is told.
 */

const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);

/** A provider that answers every chat with `parts`, recording the options it was called with. */
function scriptedProvider(parts: ChatStreamPart[]): ChatProvider & { calls: ChatCallOptions[] } {
  const calls: ChatCallOptions[] = [];
  return {
    id: 'scripted',
    calls,
    listModels: () => [],
    async streamChat(_request, options) {
      calls.push(options);
      return new ReadableStream<ChatStreamPart>({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      });
    },
  };
}

function chatRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'gpt-4.1', messages: [{ role: 'user', content: 'Say hello' }], stop: [], stream: true, includeUsage: false, ...overrides };
}

function scopeFor(provider: ChatProvider, overrides: Partial<ChatRunScope> = {}) {
  const observed: Array<{ firstToken: number } | { ended: ChatRunEnd }> = [];
  const scope: ChatRunScope = {
    provider,
    requestId: 'req_run_test',
    signal: new AbortController().signal,
    defer: () => undefined,
    systemFingerprint: 'fp_test',
    now: () => NOW,
    startedAt: NOW,
    startDeadlineMs: 5_000,
    origin: 'http://gateway.test',
    observer: {
      firstToken: (at) => void observed.push({ firstToken: at }),
      ended: (end) => void observed.push({ ended: end }),
    },
    ...overrides,
  };
  return { scope, observed };
}

/** The SSE answer as a list: each data event's choice delta and finish reason, then [DONE]. */
async function sseSequence(response: Response): Promise<unknown[]> {
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const events = parseSseText(await response.text());
  return events
    .filter((event) => event.kind !== 'comment')
    .map((event) => {
      if (event.kind !== 'data') return '[DONE]';
      const [choice] = event.json.choices;
      return choice ? { delta: choice.delta, finish_reason: choice.finish_reason } : { usage: event.json.usage };
    });
}

describe('runChatCompletion: streaming', () => {
  it('role chunk, one chunk per delta, the finish chunk, [DONE]; one id for every chunk', async () => {
    const provider = scriptedProvider([
      { type: 'reasoning-delta', id: 'reasoning-0', text: 'Thinking.' },
      { type: 'text-delta', id: 'text-0', text: 'Hel' },
      { type: 'text-delta', id: 'text-0', text: 'lo' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const { scope, observed } = scopeFor(provider);
    const response = await runChatCompletion(chatRequest(), scope);
    expect(response.status).toBe(200);
    const text = await response.clone().text();
    const ids = new Set(parseSseText(text).flatMap((event) => (event.kind === 'data' ? [event.json.id] : [])));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^chatcmpl-[0-9a-f]{24}$/);
    expect(await sseSequence(response)).toEqual([
      { delta: { role: 'assistant', content: '' }, finish_reason: null },
      { delta: { reasoning_content: 'Thinking.' }, finish_reason: null },
      { delta: { content: 'Hel' }, finish_reason: null },
      { delta: { content: 'lo' }, finish_reason: null },
      { delta: {}, finish_reason: 'stop' },
      '[DONE]',
    ]);
    expect(observed).toEqual([{ firstToken: NOW }, { ended: { at: NOW, outcome: 'finish', finishReason: 'stop' } }]);
  });

  it('with include_usage: a usage chunk (no choices) before [DONE]', async () => {
    const provider = scriptedProvider([
      { type: 'text-delta', id: 'text-0', text: 'Hi' },
      { type: 'usage', promptTokens: 7, completionTokens: 1 },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const response = await runChatCompletion(chatRequest({ includeUsage: true }), scopeFor(provider).scope);
    const sequence = await sseSequence(response);
    expect(sequence.slice(-2)).toEqual([{ usage: expect.objectContaining({ prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 }) }, '[DONE]']);
  });

  it('stop sequences are applied: the answer is cut before the first one, finish stop', async () => {
    const provider = scriptedProvider([
      { type: 'text-delta', id: 'text-0', text: 'one two ST' },
      { type: 'text-delta', id: 'text-0', text: 'OP three' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const response = await runChatCompletion(chatRequest({ stop: ['STOP'] }), scopeFor(provider).scope);
    const sequence = await sseSequence(response);
    const content = sequence.map((entry) => (entry as { delta?: { content?: string } }).delta?.content ?? '').join('');
    expect(content).toBe('one two ');
    expect(sequence.at(-2)).toEqual({ delta: {}, finish_reason: 'stop' });
  });

  it('an error part after the start: the observer hears the error code, never a finish', async () => {
    const failure = new GatewayError('upstream broke', { status: 502, type: 'upstream_error', code: 'upstream_stream_broken' });
    const provider = scriptedProvider([{ type: 'text-delta', id: 'text-0', text: 'partial' }, { type: 'error', error: failure }]);
    const { scope, observed } = scopeFor(provider);
    const text = await (await runChatCompletion(chatRequest(), scope)).text();
    expect(text).toContain('upstream_stream_broken');
    expect(observed).toEqual([{ firstToken: NOW }, { ended: { at: NOW, outcome: 'error', error: 'upstream_stream_broken' } }]);
  });
});

describe('runChatCompletion: not streaming', () => {
  it('collects one chat.completion with the whole text, reasoning, finish reason and usage', async () => {
    const provider = scriptedProvider([
      { type: 'reasoning-delta', id: 'reasoning-0', text: 'Hmm.' },
      { type: 'text-delta', id: 'text-0', text: 'Hello ' },
      { type: 'text-delta', id: 'text-0', text: 'there' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const { scope, observed } = scopeFor(provider);
    const response = await runChatCompletion(chatRequest({ stream: false }), scope);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = await response.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4.1',
      created: Math.floor(NOW / 1000),
      system_fingerprint: 'fp_test',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there', reasoning_content: 'Hmm.' }, finish_reason: 'stop' }],
    });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(observed).toEqual([{ firstToken: NOW }, { ended: { at: NOW, outcome: 'finish', finishReason: 'stop' } }]);
  });

  it('stop sequences apply to the collected text too', async () => {
    const provider = scriptedProvider([{ type: 'text-delta', id: 'text-0', text: 'keep this\n\nUser: not this' }, { type: 'finish', finishReason: 'stop' }]);
    const body = await (await runChatCompletion(chatRequest({ stream: false, stop: ['\n\nUser:'] }), scopeFor(provider).scope)).json();
    expect(body.choices[0].message.content).toBe('keep this');
  });
});

describe('runChatCompletion: starting the provider', () => {
  it('hands the provider requestId, origin, defer and a signal; the start deadline (startDeadlineMs) aborts it with 503', async () => {
    let providerSignal: AbortSignal | undefined;
    const provider: ChatProvider = {
      id: 'never-starts',
      listModels: () => [],
      streamChat: (_request, options) =>
        new Promise((_resolve, reject) => {
          providerSignal = options.signal;
          options.signal.addEventListener('abort', () => reject(options.signal.reason));
        }),
    };
    const deferred: unknown[] = [];
    const { scope, observed } = scopeFor(provider, { startDeadlineMs: 40, defer: (task) => void deferred.push(task) });
    const startedAt = Date.now();
    const error = await runChatCompletion(chatRequest(), scope).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 503, code: 'upstream_start_timeout', retryAfterSeconds: expect.any(Number) });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(providerSignal?.aborted).toBe(true);
    expect(observed).toEqual([]);
  });

  it('passes the call options through unchanged (requestId, origin, defer)', async () => {
    const provider = scriptedProvider([{ type: 'text-delta', id: 'text-0', text: 'x' }, { type: 'finish', finishReason: 'stop' }]);
    const defer = () => undefined;
    const { scope } = scopeFor(provider, { defer, requestId: 'req_passed', origin: 'https://gateway.example' });
    await (await runChatCompletion(chatRequest(), scope)).text();
    expect(provider.calls).toHaveLength(1);
    expect(provider.calls[0]).toMatchObject({ requestId: 'req_passed', origin: 'https://gateway.example', defer });
    expect(provider.calls[0]!.signal.aborted).toBe(false);
  });
});
