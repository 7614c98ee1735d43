import { describe, expect, it } from 'vitest';
import { countTokens } from '@/lib/chat/count-tokens';
import { DEFAULT_EMPTY_ANSWER_NOTICE } from '@/lib/chat/guard-empty-answer';
import { renderPromptText } from '@/lib/chat/render-prompt-text';
import { runChat } from '@/lib/chat/run-chat';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatProvider, ChatStreamPart } from '@/lib/providers/chat-provider';
import { chatRequest, chatRunScope, RUN_NOW, scriptedProvider } from '@/tests/support/scripted-chat';
import { readAll } from '@/tests/support/stream-helpers';

/**
 * runChat with a fake provider that yields scripted parts: the shaping on the way (stop
 * sequences, empty answers in the provider's words), the start deadline handed to the
 * provider, the usage estimate, and what the metrics observer is told. How Chat Completions
 * answers a run: tests/api/chat-completions/chat-completion-response.test.ts.
 */

const textOf = (parts: ChatStreamPart[]): string => parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');

describe('runChat: shaping', () => {
  it('stop sequences are applied: the answer is cut before the first one, finish stop', async () => {
    const provider = scriptedProvider([
      { type: 'text-delta', id: 'text-0', text: 'one two ST' },
      { type: 'text-delta', id: 'text-0', text: 'OP three' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const parts = await readAll((await runChat(chatRequest({ stop: ['STOP'] }), chatRunScope(provider).scope)).parts);
    expect(textOf(parts)).toBe('one two ');
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'stop', stopSequence: 'STOP' });
  });

  it.each<[string, Partial<ChatProvider>, string]>([
    ["the provider's own notice", { emptyAnswerNotice: '[Upstream X answered nothing.]' }, '[Upstream X answered nothing.]'],
    ['the neutral notice when the provider has none', {}, DEFAULT_EMPTY_ANSWER_NOTICE],
  ])('an empty answer becomes %s with finish content_filter', async (_name, extra, notice) => {
    const provider = scriptedProvider([{ type: 'finish', finishReason: 'stop' }], extra);
    const parts = await readAll((await runChat(chatRequest(), chatRunScope(provider).scope)).parts);
    expect(textOf(parts)).toBe(notice);
    expect(parts.at(-1)).toEqual({ type: 'finish', finishReason: 'content_filter' });
  });

  it('an error part after the start: the observer hears the error code, never a finish', async () => {
    const failure = new GatewayError('upstream broke', { status: 502, type: 'upstream_error', code: 'upstream_stream_broken' });
    const provider = scriptedProvider([{ type: 'text-delta', id: 'text-0', text: 'partial' }, { type: 'error', error: failure }]);
    const { scope, observed } = chatRunScope(provider);
    const parts = await readAll((await runChat(chatRequest(), scope)).parts);
    expect(parts.at(-1)).toEqual({ type: 'error', error: failure });
    expect(observed).toEqual([{ firstToken: RUN_NOW }, { ended: { at: RUN_NOW, outcome: 'error', error: 'upstream_stream_broken' } }]);
  });
});

describe('runChat: the usage estimate', () => {
  it('counts the prompt as renderPromptText writes it and everything the parts generated', async () => {
    const request = chatRequest({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Suzhou"}' }] },
        { role: 'tool', content: '{"temp":21}', toolCallId: 'call_1' },
      ],
    });
    const provider = scriptedProvider([
      { type: 'reasoning-delta', id: 'reasoning-0', text: 'Warm. ' },
      { type: 'text-delta', id: 'text-0', text: 'It is 21 °C.' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const run = await runChat(request, chatRunScope(provider).scope);
    expect(run.createdAt).toBe(RUN_NOW);
    await readAll(run.parts);
    expect(run.usage()).toEqual({
      promptTokens: countTokens(renderPromptText(request.messages)),
      completionTokens: countTokens('Warm. It is 21 °C.'),
    });
  });
});

describe('runChat: starting the provider', () => {
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
    const { scope, observed } = chatRunScope(provider, { startDeadlineMs: 40, defer: (task) => void deferred.push(task) });
    const startedAt = Date.now();
    const error = await runChat(chatRequest(), scope).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 503, code: 'upstream_start_timeout', retryAfterSeconds: expect.any(Number) });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(providerSignal?.aborted).toBe(true);
    expect(observed).toEqual([]);
  });

  it('passes the call options through unchanged (requestId, origin, defer)', async () => {
    const provider = scriptedProvider([{ type: 'text-delta', id: 'text-0', text: 'x' }, { type: 'finish', finishReason: 'stop' }]);
    const defer = () => undefined;
    const { scope } = chatRunScope(provider, { defer, requestId: 'req_passed', origin: 'https://gateway.example' });
    await readAll((await runChat(chatRequest(), scope)).parts);
    expect(provider.calls).toHaveLength(1);
    expect(provider.calls[0]).toMatchObject({ requestId: 'req_passed', origin: 'https://gateway.example', defer });
    expect(provider.calls[0]!.signal.aborted).toBe(false);
  });
});
