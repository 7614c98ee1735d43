import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

/**
 * The README's first command: no configuration at all. The gateway starts its simulator,
 * says DEMO MODE on the console, in /v1/models and in every reply, and the openai SDK can
 * chat with it at once.
 */
let gateway: GatewayProcess;
beforeAll(async () => {
  gateway = await startGatewayProcess({});
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
});

describe('demo mode (embedded defaults)', () => {
  it('says DEMO MODE on the console', async () => {
    const deadline = Date.now() + 10_000;
    while (!gateway.output().includes('DEMO MODE') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gateway.output()).toContain('DEMO MODE');
  });

  it('chats through the openai SDK, with DEMO MODE in owned_by and system_fingerprint', async () => {
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'anything', maxRetries: 0 });
    const models = await client.models.list();
    expect(models.data.length).toBeGreaterThan(5);
    expect(models.data.find((card) => card.id === 'gpt-4.1')?.owned_by).toContain('DEMO MODE');
    expect(models.data.find((card) => card.id === 'mock')?.owned_by).toBe('mock');

    const completion = await client.chat.completions.stream({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hello demo' }] }).finalChatCompletion();
    expect(completion.model).toBe('gpt-4.1');
    expect(completion.system_fingerprint).toContain('DEMO MODE');
    expect(completion.choices[0]?.message.content).toContain('Hello demo');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('serves the landing page', async () => {
    const page = await (await fetch(gateway.url)).text();
    expect(page).toContain('DEMO MODE');
    expect(page).toContain('/v1');
  });
});
