import { describe, expect, it } from 'vitest';
import { parseCompletionRequest } from '@/lib/api/completions/parse-completion-request';
import { GatewayError } from '@/lib/errors/gateway-error';

const base = { model: 'gpt-4.1', prompt: 'Say hello' };

function rejection(body: unknown): GatewayError {
  try {
    parseCompletionRequest(body);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a 400');
}

describe('parseCompletionRequest', () => {
  it('turns the prompt into one user message and reads the sampling fields', () => {
    expect(
      parseCompletionRequest({
        ...base,
        max_tokens: 50,
        temperature: 0.2,
        top_p: 0.9,
        presence_penalty: 1,
        frequency_penalty: -1,
        stop: ['\n\n', ''],
        stream: true,
        stream_options: { include_usage: true },
        user: 'someone',
        logit_bias: { '50256': -100 },
      }),
    ).toEqual({
      model: 'gpt-4.1',
      messages: [{ role: 'user', content: 'Say hello' }],
      maxTokens: 50,
      temperature: 0.2,
      topP: 0.9,
      presencePenalty: 1,
      frequencyPenalty: -1,
      stop: ['\n\n'],
      stream: true,
      includeUsage: true,
    });
  });

  it('defaults: no stream, no usage, no stop; nulls and harmless values of the refused options pass', () => {
    expect(
      parseCompletionRequest({ ...base, prompt: ['Only one'], stop: '###', suffix: null, echo: false, logprobs: null, best_of: 1, n: 1, max_tokens: null }),
    ).toEqual({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Only one' }], stop: ['###'], stream: false, includeUsage: false });
    expect(parseCompletionRequest({ ...base, suffix: '' }).stop).toEqual([]);
  });

  it.each<[string, unknown, string | null, string]>([
    ['a non-object body', ['gpt-4.1'], null, 'invalid_body'],
    ['a missing model', { prompt: 'hi' }, 'model', 'missing_required_parameter'],
    ['a blank model', { model: '  ', prompt: 'hi' }, 'model', 'empty_string'],
    ['a missing prompt', { model: 'gpt-4.1' }, 'prompt', 'missing_required_parameter'],
    ['a prompt of the wrong type', { ...base, prompt: { text: 'hi' } }, 'prompt', 'invalid_type'],
    ['an empty prompt', { ...base, prompt: '' }, 'prompt', 'empty_string'],
    ['an empty prompt array', { ...base, prompt: [] }, 'prompt', 'empty_array'],
    ['two prompts', { ...base, prompt: ['one', 'two'] }, 'prompt', 'unsupported_value'],
    ['token ids', { ...base, prompt: [1, 2, 3] }, 'prompt', 'unsupported_value'],
    ['arrays of token ids', { ...base, prompt: [[1, 2]] }, 'prompt', 'unsupported_value'],
    ['suffix', { ...base, suffix: ' end' }, 'suffix', 'unsupported_parameter'],
    ['echo: true', { ...base, echo: true }, 'echo', 'unsupported_value'],
    ['logprobs', { ...base, logprobs: 0 }, 'logprobs', 'unsupported_parameter'],
    ['best_of > 1', { ...base, best_of: 3 }, 'best_of', 'unsupported_value'],
    ['n > 1', { ...base, n: 2 }, 'n', 'unsupported_value'],
    ['a temperature above 2', { ...base, temperature: 3 }, 'temperature', 'invalid_value'],
    ['a non-integer max_tokens', { ...base, max_tokens: 1.5 }, 'max_tokens', 'invalid_type'],
    ['a zero max_tokens', { ...base, max_tokens: 0 }, 'max_tokens', 'invalid_value'],
    ['a stop of the wrong type', { ...base, stop: 5 }, 'stop', 'invalid_type'],
    ['a stream of the wrong type', { ...base, stream: 'yes' }, 'stream', 'invalid_type'],
  ])('%s → 400 naming the param', (_label, body, param, code) => {
    const error = rejection(body);
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param, code });
    if (param !== null) expect(error.message).toContain(`'${param}'`);
  });
});
