import { describe, expect, it } from 'vitest';
import { reaskRequest } from '@/lib/tools/reask-request';
import { chatRequest } from '@/tests/support/scripted-chat';
import { toolRequest } from './tool-run-kit';

describe('reaskRequest', () => {
  it('keeps the conversation and adds one user message: the problem, then the tool rule', () => {
    const request = toolRequest({ mode: 'required' });
    const reask = reaskRequest(request, 'you answered without calling a tool.');

    expect(reask.messages.slice(0, -1)).toEqual(request.messages);
    expect(reask.messages.at(-1)).toEqual({
      role: 'user',
      content: 'Your previous answer was not accepted: you answered without calling a tool. Call the tool now using exactly the format above.',
    });
    expect(request.messages).toHaveLength(1);
  });

  it('restates the JSON rule when only the response format was missed', () => {
    const reask = reaskRequest(chatRequest({ responseFormat: { type: 'json_object' } }), 'the answer is not a JSON object');
    expect(reask.messages.at(-1)?.content).toBe(
      'Your previous answer was not accepted: the answer is not a JSON object. Answer with only the JSON value.',
    );
  });

  it('quotes a long problem briefly', () => {
    const reask = reaskRequest(toolRequest({ mode: 'required' }), `call 1: ${'x'.repeat(5_000)}`);
    const content = reask.messages.at(-1)?.content ?? '';
    expect(content.length).toBeLessThan(800);
    expect(content).toContain('…. Call the tool now');
  });
});
