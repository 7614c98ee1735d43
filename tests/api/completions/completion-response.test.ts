import { describe, expect, it } from 'vitest';
import { completionResponse } from '@/lib/api/completions/completion-response';
import { countTokens } from '@/lib/chat/count-tokens';
import { renderPromptText } from '@/lib/chat/render-prompt-text';
import { runChat } from '@/lib/chat/run-chat';
import type { ChatRequest, ChatStreamPart } from '@/lib/providers/chat-provider';
import { parseSseText } from '@/tests/support/read-sse';
import { chatRequest, chatRunScope, RUN_NOW, scriptedProvider } from '@/tests/support/scripted-chat';

/** A scripted provider's chat, run by runChat and answered by completionResponse. */
async function answer(parts: ChatStreamPart[], overrides: Partial<ChatRequest> = {}) {
  const request = chatRequest(overrides);
  const { scope } = chatRunScope(scriptedProvider(parts));
  return { request, response: await completionResponse(await runChat(request, scope), request, { systemFingerprint: 'fp_test' }) };
}

describe('completionResponse', () => {
  // Reasoning is dropped from the text but counted: the model generated it (lib/chat/create-usage-counter.ts).
  it('streams text_completion chunks with one cmpl- id, the estimate as usage when asked, then [DONE]', async () => {
    const { request, response } = await answer(
      [
        { type: 'reasoning-delta', id: 'reasoning-0', text: 'hidden' },
        { type: 'text-delta', id: 'text-0', text: 'Hel' },
        { type: 'text-delta', id: 'text-0', text: 'lo' },
        { type: 'finish', finishReason: 'stop' },
      ],
      { includeUsage: true },
    );
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSseText(await response.text()).filter((event) => event.kind !== 'comment');
    const chunks = events.flatMap((event) => (event.kind === 'data' ? [event.json] : []));
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0].id).toMatch(/^cmpl-[0-9a-f]{24}$/);
    expect(chunks.every((chunk) => chunk.object === 'text_completion' && chunk.created === Math.floor(RUN_NOW / 1000))).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.text ?? null).join('|')).toBe('|Hel|lo||');
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    const promptTokens = countTokens(renderPromptText(request.messages));
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: countTokens('hiddenHello') } });
    expect(events.at(-1)).toEqual({ kind: 'done' });
  });

  it('answers one text_completion as JSON when not streaming', async () => {
    const { response } = await answer([{ type: 'text-delta', id: 'text-0', text: 'plain' }, { type: 'finish', finishReason: 'length' }], { stream: false });
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toMatchObject({
      object: 'text_completion',
      model: 'gpt-4.1',
      system_fingerprint: 'fp_test',
      choices: [{ text: 'plain', index: 0, logprobs: null, finish_reason: 'length' }],
      usage: { completion_tokens: countTokens('plain') },
    });
  });
});
