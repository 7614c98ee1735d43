import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

/**
 * The production path of a login: a /v1 request with no valid credentials asks the login
 * route over HTTP (at its own origin, with the route secret); the login route starts
 * Chromium in after(); the request waits for the stored result. /v1 never loads the browser.
 */
let gateway: GatewayProcess | undefined;
let simulator: SimulatorHandle | undefined;
afterEach(async () => {
  await gateway?.stop();
  await simulator?.close();
  gateway = undefined;
  simulator = undefined;
});

async function startWithLogin(extra: Record<string, string> = {}) {
  simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1 });
  gateway = await startGatewayProcess({
    XIPU_API_BASE: simulator.apiBase,
    XIPU_PORTAL_URL: simulator.portalUrl,
    XJTLU_USERNAME: simulator.portalAccount.username,
    XJTLU_PASSWORD: simulator.portalAccount.password,
    UPSTREAM_MIN_GAP_MS: '50',
    UPSTREAM_ANSWER_ALLOWANCE_MS: '40',
    ...extra,
  });
  return { simulator, gateway };
}

const chat = (url: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'SIM-REPLY: logged in by itself' }] }),
  });

describe('login over HTTP under next start', () => {
  it('with no CRON_SECRET locally: the process reaches its own login route with its own secret', async () => {
    const { simulator, gateway } = await startWithLogin();
    const response = await chat(gateway.url);
    expect(response.status).toBe(200);
    expect((await response.json()).choices[0].message.content).toBe('logged in by itself');
    expect(simulator.state().portal.loginsSucceeded).toBe(1);
  }, 60_000);

  it('with CRON_SECRET: the login route refuses others and serves the gateway', async () => {
    const { simulator, gateway } = await startWithLogin({ CRON_SECRET: 'cron-secret-login-test' });
    const stranger = await fetch(`${gateway.url}/api/login`, { method: 'POST', headers: { authorization: 'Bearer guess' } });
    expect(stranger.status).toBe(401);
    expect(simulator.state().portal.loginsSucceeded + simulator.state().portal.loginsFailed).toBe(0);
    expect((await chat(gateway.url)).status).toBe(200);
    expect(simulator.state().portal.loginsSucceeded).toBe(1);
  }, 60_000);
});
