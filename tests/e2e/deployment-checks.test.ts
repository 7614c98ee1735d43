import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { simulatedUpstreamEnvironment, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

/**
 * What a deployment says when it is not set up right — every route answers with a clear
 * OpenAI error (never a crash), and `next start` prints a bad value at once — and that
 * state is shared by every route of one `next start` process.
 */
let gateway: GatewayProcess | undefined;
let simulator: SimulatorHandle | undefined;
afterEach(async () => {
  await gateway?.stop();
  await simulator?.close();
  gateway = undefined;
  simulator = undefined;
});

const chat = (url: string, path = '/v1/chat/completions', headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'SIM-REPLY: ok' }] }),
  });

describe('deployment checks', () => {
  it('a bad variable: every route answers 503 naming it, and the console says so at start', async () => {
    gateway = await startGatewayProcess({ UPSTREAM_MIN_GAP_MS: 'soon' });
    for (const response of [await fetch(`${gateway.url}/v1/models`), await chat(gateway.url)]) {
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body.error.code).toBe('invalid_configuration');
      expect(body.error.param).toBe('UPSTREAM_MIN_GAP_MS');
      expect(body.error.message).toContain('UPSTREAM_MIN_GAP_MS');
    }
    expect(gateway.output()).toContain('UPSTREAM_MIN_GAP_MS');
  });

  it('hosted without Upstash: 503 saying Upstash is required', async () => {
    gateway = await startGatewayProcess({ VERCEL: '1', API_KEYS: 'sk-hosted-123456' });
    const response = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: 'Bearer sk-hosted-123456' } });
    expect(response.status).toBe(503);
    expect((await response.json()).error.message).toMatch(/Upstash/);
  });

  it('hosted with a store connected under an env-var prefix: the 503 names the variable it found', async () => {
    gateway = await startGatewayProcess({
      VERCEL: '1',
      API_KEYS: 'sk-hosted-123456',
      STORE_KV_REST_API_URL: 'https://eu1-fond-eel-12345.upstash.io',
      STORE_KV_REST_API_TOKEN: 'prefixed-token',
    });
    const response = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: 'Bearer sk-hosted-123456' } });
    expect(response.status).toBe(503);
    const { error } = await response.json();
    expect(error.code).toBe('store_not_configured');
    expect(error.message).toContain('STORE_KV_REST_API_URL is set');
    expect(error.message).toContain('prefix left empty');
    expect(error.message).not.toContain('prefixed-token');
  });

  it('hosted without API_KEYS: 401 saying to set them', async () => {
    gateway = await startGatewayProcess({
      VERCEL: '1',
      UPSTASH_REDIS_REST_URL: inject('upstashUrl'),
      UPSTASH_REDIS_REST_TOKEN: inject('upstashToken'),
    });
    const response = await fetch(`${gateway.url}/v1/models`);
    expect(response.status).toBe(401);
    expect((await response.json()).error.message).toContain('API_KEYS');
  });

  it('hosted without XIPU credentials: chat answers 503 saying what to set (no demo mode)', async () => {
    gateway = await startGatewayProcess({
      VERCEL: '1',
      UPSTASH_REDIS_REST_URL: inject('upstashUrl'),
      UPSTASH_REDIS_REST_TOKEN: inject('upstashToken'),
      API_KEYS: 'sk-hosted-123456',
    });
    const response = await chat(gateway.url, '/v1/chat/completions', { authorization: 'Bearer sk-hosted-123456' });
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.error.code).toBe('upstream_credentials_missing');
    expect(body.error.message).toMatch(/JM_TOKEN/);
    const models = await (await fetch(`${gateway.url}/v1/models`, { headers: { authorization: 'Bearer sk-hosted-123456' } })).json();
    expect(models.data[0].owned_by).not.toContain('DEMO');
  });

  it('one rate limit for /v1/chat/completions and its alias /chat/completions (state shared across route bundles)', async () => {
    simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1 });
    gateway = await startGatewayProcess(simulatedUpstreamEnvironment(simulator, { RATE_LIMIT_RPM: '2' }));
    expect((await chat(gateway.url, '/v1/chat/completions')).status).toBe(200);
    expect((await chat(gateway.url, '/chat/completions')).status).toBe(200);
    const limited = await chat(gateway.url, '/v1/chat/completions');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited.json()).error.code).toBe('rate_limit_exceeded');
    expect((await chat(gateway.url, '/chat/completions')).status).toBe(429);
    expect((await fetch(`${gateway.url}/models`)).status).toBe(200);
  });
});
