import { describe, expect, it } from 'vitest';
import { chatCompletionResponse } from '@/lib/api/chat-completions/chat-completion-response';
import { countTokens } from '@/lib/chat/count-tokens';
import { renderPromptText } from '@/lib/chat/render-prompt-text';
import { runChat } from '@/lib/chat/run-chat';
import type { ChatRequest, ChatStreamPart } from '@/lib/providers/chat-provider';
import { parseSseText } from '@/tests/support/read-sse';
import { chatRequest, chatRunScope, RUN_NOW, scriptedProvider } from '@/tests/support/scripted-chat';

/**
 * A scripted provider's chat, run by runChat and answered by chatCompletionResponse: what the
 * client gets (the SSE sequence, or one chat.completion) and what the metrics observer is told.
 */

async function answer(parts: ChatStreamPart[], overrides: Partial<ChatRequest> = {}) {
  const request = chatRequest(overrides);
  const { scope, observed } = chatRunScope(scriptedProvider(parts));
  const response = await chatCompletionResponse(await runChat(request, scope), request, { systemFingerprint: 'fp_test' });
  return { response, observed };
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

describe('chatCompletionResponse: streaming', () => {
  it('role chunk, one chunk per delta, the finish chunk, [DONE]; one id for every chunk', async () => {
    const { response, observed } = await answer([
      { type: 'reasoning-delta', id: 'reasoning-0', text: 'Thinking.' },
      { type: 'text-delta', id: 'text-0', text: 'Hel' },
      { type: 'text-delta', id: 'text-0', text: 'lo' },
      { type: 'finish', finishReason: 'stop' },
    ]);
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
    expect(observed).toEqual([{ firstToken: RUN_NOW }, { ended: { at: RUN_NOW, outcome: 'finish', finishReason: 'stop' } }]);
  });

  it('with include_usage: a usage chunk (no choices) before [DONE]', async () => {
    const { response } = await answer(
      [
        { type: 'text-delta', id: 'text-0', text: 'Hi' },
        { type: 'usage', promptTokens: 7, completionTokens: 1 },
        { type: 'finish', finishReason: 'stop' },
      ],
      { includeUsage: true },
    );
    const sequence = await sseSequence(response);
    expect(sequence.slice(-2)).toEqual([{ usage: expect.objectContaining({ prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 }) }, '[DONE]']);
  });

  it("with include_usage and no usage part: the pipeline's estimate", async () => {
    const { response } = await answer([{ type: 'text-delta', id: 'text-0', text: 'Hi' }, { type: 'finish', finishReason: 'stop' }], { includeUsage: true });
    const sequence = await sseSequence(response);
    const promptTokens = countTokens(renderPromptText(chatRequest().messages));
    expect(promptTokens).toBeGreaterThan(0);
    expect(sequence.at(-2)).toEqual({
      usage: { prompt_tokens: promptTokens, completion_tokens: countTokens('Hi'), total_tokens: promptTokens + countTokens('Hi') },
    });
  });
});

describe('chatCompletionResponse: not streaming', () => {
  it('collects one chat.completion with the whole text, reasoning, finish reason and usage', async () => {
    const { response, observed } = await answer(
      [
        { type: 'reasoning-delta', id: 'reasoning-0', text: 'Hmm.' },
        { type: 'text-delta', id: 'text-0', text: 'Hello ' },
        { type: 'text-delta', id: 'text-0', text: 'there' },
        { type: 'finish', finishReason: 'stop' },
      ],
      { stream: false },
    );
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = await response.json();
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4.1',
      created: Math.floor(RUN_NOW / 1000),
      system_fingerprint: 'fp_test',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there', reasoning_content: 'Hmm.' }, finish_reason: 'stop' }],
    });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(observed).toEqual([{ firstToken: RUN_NOW }, { ended: { at: RUN_NOW, outcome: 'finish', finishReason: 'stop' } }]);
  });

  it('stop sequences apply to the collected text too', async () => {
    const { response } = await answer([{ type: 'text-delta', id: 'text-0', text: 'keep this\n\nUser: not this' }, { type: 'finish', finishReason: 'stop' }], {
      stream: false,
      stop: ['\n\nUser:'],
    });
    const body = await response.json();
    expect(body.choices[0].message.content).toBe('keep this');
  });
});
