import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retrieveResponse } from '@/lib/handlers/responses';
import { routeSet } from '@/lib/handlers/route-set';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/** Bad Responses requests get OpenAI's error JSON with their real status: never a 500, never an upstream call. */
let gateway: GatewayHarness;
beforeAll(async () => {
  gateway = await startGatewayHarness();
});
afterAll(async () => {
  await gateway.close();
});

const post = (body: string) =>
  gateway.routes.responses.POST(new Request('http://gateway.test/v1/responses', { method: 'POST', headers: { 'content-type': 'application/json' }, body }));

async function expectOpenAIError(response: Response, status: number, expected: { code?: string | null; param?: string | null }) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  const body = await response.json();
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(body.error).toMatchObject(expected);
  return body;
}

describe('bad Responses requests', () => {
  it.each([
    ['invalid JSON', '{"model": "gpt-4.1", "input": [', 'invalid_json', null],
    ['missing input', JSON.stringify({ model: 'gpt-4.1' }), 'missing_required_parameter', 'input'],
    ['an input_image', JSON.stringify({ model: 'gpt-4.1', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'x' }] }] }), 'unsupported_content', 'input[0].content[0]'],
    ['an unknown item_reference', JSON.stringify({ model: 'gpt-4.1', input: [{ type: 'item_reference', id: 'msg_1' }] }), 'invalid_value', 'input[0].id'],
    ['an output for no call', JSON.stringify({ model: 'gpt-4.1', input: [{ type: 'function_call_output', call_id: 'call_1', output: 'x' }] }), 'invalid_value', 'input[0].call_id'],
    ['a bad tool', JSON.stringify({ model: 'gpt-4.1', input: 'hi', tools: [{ type: 'custom' }] }), 'missing_required_parameter', 'tools[0].name'],
  ])('%s → 400', async (_name, body, code, param) => {
    await expectOpenAIError(await post(body), 400, { code, param });
  });

  it('an unknown model → the same 404 as on chat', async () => {
    const response = await post(JSON.stringify({ model: 'no-such-model', input: 'hi' }));
    expect(response.status).not.toBe(500);
    expect(response.status).toBeGreaterThanOrEqual(400);
  });

  it('GET /v1/responses/{id} of an unknown id → 404', async () => {
    const routes = routeSet({ GET: retrieveResponse }, gateway.routeOptions);
    const body = await expectOpenAIError(await routes.GET(new Request('http://gateway.test/v1/responses/resp_abc'), { params: Promise.resolve({ id: ['resp_abc'] }) } as never), 404, {
      code: 'response_not_found',
    });
    expect(body.error.message).toBe("Response with id 'resp_abc' not found.");
  });

  it('made no upstream call for any of them', () => {
    expect(gateway.simulator.state().calls.completions).toBe(0);
  });
});
