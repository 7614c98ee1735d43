import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddings } from '@/lib/handlers/embeddings';
import { routeSet } from '@/lib/handlers/route-set';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/** POST /v1/embeddings with XIPU alone: refused in OpenAI's error shape, never upstream (tests/routes/upstreams.test.ts: served). */
let gateway: GatewayHarness;
let post: (body: string) => Promise<Response>;
beforeAll(async () => {
  gateway = await startGatewayHarness();
  const routes = routeSet({ POST: embeddings }, gateway.routeOptions);
  post = (body) => routes.POST(new Request('http://gateway.test/v1/embeddings', { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
});
afterAll(async () => {
  await gateway.close();
});

async function openAIError(response: Response, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  const body = await response.json();
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  return body.error;
}

describe('embeddings', () => {
  it('a XIPU chat model → 400 model_not_supported', async () => {
    const error = await openAIError(await post(JSON.stringify({ model: 'gpt-4.1', input: 'hello' })), 400);
    expect(error).toEqual({ type: 'invalid_request_error', code: 'model_not_supported', param: 'model', message: 'gpt-4.1 is a chat model; it offers no embeddings.' });
  });

  it('an unknown model → 404 model_not_found', async () => {
    const error = await openAIError(await post(JSON.stringify({ model: 'text-embedding-3-small', input: ['a', 'b'] })), 404);
    expect(error).toMatchObject({ type: 'invalid_request_error', code: 'model_not_found', param: 'model' });
    expect(error.message).toContain('text-embedding-3-small');
  });

  it.each([
    ['invalid JSON', '{"model":', null],
    ['a JSON array', '[]', null],
    ['a missing input', JSON.stringify({ model: 'gpt-4.1' }), 'input'],
    ['an input of the wrong type', JSON.stringify({ model: 'gpt-4.1', input: { text: 'hi' } }), 'input'],
    ['an empty input array', JSON.stringify({ model: 'gpt-4.1', input: [] }), 'input'],
    ['a missing model', JSON.stringify({ input: 'hi' }), 'model'],
  ])('%s → 400 before the model is looked at', async (_label, body, param) => {
    const error = await openAIError(await post(body), 400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe(param);
  });

  it('made no upstream call for any of them', () => {
    expect(gateway.simulator.state().calls).toEqual({ saveSession: 0, completions: 0, delSession: 0 });
  });
});
