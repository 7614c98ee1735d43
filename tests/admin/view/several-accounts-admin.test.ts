import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAdminView } from '@/lib/admin/view/load-admin-view';
import { adminStatusSources } from '@/lib/admin/view/admin-status-sources';
import { readRequestOrigin } from '@/lib/admin/access/read-request-origin';
import { readHeartbeatState } from '@/lib/xipu/keepalive/beat-heartbeat';
import { AdminStatusView } from '@/app/admin/_components/admin-status-view';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { GATEWAY_ORIGIN, startAdminKit, type AdminKit } from '../admin-test-kit';

/**
 * /admin with two XIPU accounts: the list of accounts with their health, `?account=<id>`
 * picking the one the account panels describe, its buttons naming it, an action acting on that
 * account only, and the Providers panel showing both endpoints.
 */
let kit: AdminKit | undefined;
let simulator: SimulatorHandle | undefined;
afterEach(async () => {
  await kit?.close();
  await simulator?.close();
  kit = undefined;
  simulator = undefined;
});

async function start() {
  simulator = await startSimulator({ minGapMs: 20, chunkDelayMs: 1 });
  const pair = ({ jmToken, sdpSession }: { jmToken: string; sdpSession: string }) => ({ jmToken, sdpSession });
  const accounts = [
    { id: 'one', ...pair(simulator.mintCredentials({ account: 'student-one' })) },
    { id: 'expired', ...pair(simulator.mintCredentials({ account: 'student-two', lifetimeSeconds: 0 })) },
  ];
  kit = await startAdminKit({ harness: { existingSimulator: simulator }, environment: { XIPU_ACCOUNTS: JSON.stringify(accounts) } });
  return kit;
}

const view = async (cookie: string, searchParams: Record<string, string> = {}) => {
  const loaded = await loadAdminView({ cookieHeader: cookie, origin: readRequestOrigin(new Headers(), `${GATEWAY_ORIGIN}/admin`), searchParams, dependencies: kit!.dependencies, sources: adminStatusSources });
  if (loaded.kind !== 'status') throw new Error(`expected the status view, got ${loaded.kind}`);
  return loaded;
};

describe('/admin with several XIPU accounts', () => {
  it('lists the accounts with their health and describes the one asked for', async () => {
    const admin = await start();
    const cookie = await admin.signIn();

    const first = await view(cookie);
    expect(first.status.accounts.selected).toBe('one');
    expect(first.status.accounts.list.map(({ id, level }) => [id, level])).toEqual([
      ['one', 'green'],
      ['expired', 'red'],
    ]);
    expect(first.status.panels.credentials).toMatchObject({ present: true });

    const second = await view(cookie, { account: 'expired' });
    expect(second.status.accounts.selected).toBe('expired');
    expect(second.status.panels.credentials.reason).toMatch(/expired/i);
    expect(first.status.panels.credentials.reason).not.toMatch(/expired/i);
    const html = renderToStaticMarkup(createElement(AdminStatusView, { status: second.status, open: second.open, result: second.result, config: second.config, chat: second.chat }));
    expect(html).toContain('href="/admin?account=one"');
    expect(html).toContain('action="/admin/actions/heartbeat?account=expired"');
    expect(html).toContain('Heartbeat · expired');

    // The Providers panel: both endpoints as routing sees them.
    const providers = second.status.panels.providers;
    const xipu = providers.sources.find((source) => source.id === 'xipu');
    expect(xipu?.endpoints.map(({ id, state }) => [id, state])).toEqual([
      ['xipu:one', 'available'],
      ['xipu:expired', 'unavailable'],
    ]);
    expect(providers.level).toBe('amber');

    // An unknown id falls back to the first account.
    expect((await view(cookie, { account: 'nobody' })).status.accounts.selected).toBe('one');
  });

  it('an action acts on the account its form names, and the redirect keeps it', async () => {
    const admin = await start();
    const cookie = await admin.signIn();
    const response = await admin.post('heartbeat', { cookie, query: { account: 'one' } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toContain('account=one');
    const context = await admin.dependencies.getContext();
    const [one, expired] = context.xipuAccounts;
    expect(await readHeartbeatState(one!)).toMatchObject({ action: 'created' });
    expect(await readHeartbeatState(expired!)).toBeUndefined();

    const unknown = await admin.post('heartbeat', { cookie, query: { account: 'nobody' } });
    expect(unknown.status).toBe(404);
  });
});
