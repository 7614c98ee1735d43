import { afterEach, describe, expect, it } from 'vitest';
import { loginHandler } from '@/lib/handlers/login';
import { keepaliveHandler } from '@/lib/handlers/keepalive';
import { routeSet } from '@/lib/handlers/route-set';
import { createHttpLoginTrigger } from '@/lib/xipu/credentials/trigger-login-over-http';
import type { CreateLogin } from '@/lib/xipu/credentials/start-login';
import { readLoginState } from '@/lib/xipu/credentials/credential-records';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { startGatewayHarness, type GatewayHarness } from '../../support/gateway-harness';

/**
 * With several accounts the login route logs in the account it names (`?account=<id>`), a
 * chat asks for its own account's login, and the keep-alive reports each account.
 */
const CRON_SECRET = 'cron-secret-login-per-account';
let gateway: GatewayHarness | undefined;
let simulator: SimulatorHandle | undefined;
afterEach(async () => {
  await gateway?.close();
  await simulator?.close();
  gateway = undefined;
  simulator = undefined;
});

async function start() {
  simulator = await startSimulator({ minGapMs: 20, chunkDelayMs: 1 });
  const { jmToken, sdpSession } = simulator.mintCredentials({ account: 'student-two' });
  gateway = await startGatewayHarness({
    existingSimulator: simulator,
    environment: {
      CRON_SECRET,
      XIPU_ACCOUNTS: JSON.stringify([
        { id: 'robot', username: 'robot@student.example', password: 'secret-password' },
        { id: 'pasted', jmToken, sdpSession },
      ]),
    },
  });
  const loggedIn: string[] = [];
  // The fake login records which account's settings it was built for, then fails.
  const createLogin: CreateLogin = (settings) => async () => {
    loggedIn.push(settings.id);
    throw new Error('no browser in this test');
  };
  const options = { ...gateway.routeOptions, authenticate: false };
  const login = routeSet({ POST: loginHandler(createLogin) }, options);
  const keepalive = routeSet({ GET: keepaliveHandler(createLogin) }, options);
  const post = (query: string) => login.POST(new Request(`http://gateway.test/api/login${query}`, { method: 'POST', headers: { authorization: `Bearer ${CRON_SECRET}` } }));
  return { gateway, loggedIn, post, keepalive };
}

describe('login and keep-alive per account', () => {
  it('POST /api/login?account=<id> logs that account in; an unknown id is a 404; one without a login is a 409', async () => {
    const { gateway, loggedIn, post } = await start();
    const started = await post('?account=robot');
    expect(started.status).toBe(202);
    expect(await started.json()).toMatchObject({ status: 'started' });
    await gateway.settle();
    expect(loggedIn).toEqual(['robot']);
    const [robot, pasted] = gateway.context.xipuAccounts;
    expect(await readLoginState(robot!)).toMatchObject({ outcome: 'failure' });
    expect(await readLoginState(pasted!)).toBeUndefined();

    const unknown = await post('?account=nobody');
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe('account_not_found');
    const noLogin = await post('?account=pasted');
    expect(noLogin.status).toBe(409);
    expect((await noLogin.json()).error.message).toContain('pasted');
  });

  it('the HTTP trigger names the account, and none for the default account', async () => {
    const urls: string[] = [];
    const fakeFetch = (async (url: string | URL | Request) => {
      urls.push(String(url));
      return Response.json({ status: 'started' }, { status: 202 });
    }) as typeof fetch;
    await createHttpLoginTrigger({ secret: 's', accountId: 'robot', fetch: fakeFetch })('https://gw.example');
    await createHttpLoginTrigger({ secret: 's', accountId: 'default', fetch: fakeFetch })('https://gw.example');
    expect(urls).toEqual(['https://gw.example/api/login?account=robot', 'https://gw.example/api/login']);
  });

  it('the keep-alive runs every account and reports each, one account\'s failure its own', async () => {
    const { keepalive, gateway } = await start();
    const response = await keepalive.GET(new Request('http://gateway.test/api/cron/keepalive', { headers: { authorization: `Bearer ${CRON_SECRET}` } }));
    expect(response.status).toBe(200);
    const report = (await response.json()) as { accounts: Array<{ id: string; heartbeat?: { status: string } }> };
    expect(report.accounts.map((account) => account.id)).toEqual(['robot', 'pasted']);
    expect(report.accounts.find((account) => account.id === 'pasted')?.heartbeat?.status).toBe('ok');
    expect(report.accounts.find((account) => account.id === 'robot')?.heartbeat?.status).not.toBe('ok');
    await gateway.settle();
  });
});
