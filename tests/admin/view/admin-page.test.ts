import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeActionResult } from '@/lib/admin/view/action-result';
import { createAdminSession } from '@/lib/admin/access/admin-session';
import { loadAdminView } from '@/lib/admin/view/load-admin-view';
import { adminStatusSources } from '@/lib/admin/view/admin-status-sources';
import { readRequestOrigin } from '@/lib/admin/access/read-request-origin';
import { parseConfig } from '@/lib/config/env';
import { AdminStatusView } from '@/app/admin/_components/admin-status-view';
import { ADMIN_PASSWORD, GATEWAY_ORIGIN, startAdminKit, type AdminKit } from '../admin-test-kit';

let kit: AdminKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

const LOCAL = readRequestOrigin(new Headers(), `${GATEWAY_ORIGIN}/admin`);

async function view(options: { cookie?: string | null; searchParams?: Record<string, string>; origin?: ReturnType<typeof readRequestOrigin> } = {}) {
  return loadAdminView({
    cookieHeader: options.cookie ?? null,
    origin: options.origin ?? LOCAL,
    searchParams: options.searchParams ?? {},
    dependencies: kit!.dependencies,
    sources: adminStatusSources,
  });
}

describe('what /admin shows', () => {
  it('without a session: the sign-in form and nothing else (no store read, no panel)', async () => {
    kit = await startAdminKit();
    let reads = 0;
    const get = kit.harness.store.get.bind(kit.harness.store);
    kit.harness.store.get = async (key) => {
      reads += 1;
      return get(key);
    };
    expect(await view()).toEqual({ kind: 'sign-in', notice: undefined, cookieWillNotStick: false });
    expect(await view({ searchParams: { signin: 'failed' } })).toEqual({ kind: 'sign-in', notice: 'failed', cookieWillNotStick: false });
    const expired = await createAdminSession({ password: ADMIN_PASSWORD, now: Date.now() - 13 * 3_600_000, secure: false });
    expect((await view({ cookie: `xipu-admin=${expired.value}` })).kind).toBe('sign-in');
    expect(reads).toBe(0);
  });

  it('warns when plain http to a non-localhost host will drop the Secure cookie', async () => {
    kit = await startAdminKit();
    const lan = readRequestOrigin(new Headers(), 'http://192.168.1.20:3000/admin');
    expect(await view({ origin: lan })).toMatchObject({ kind: 'sign-in', cookieWillNotStick: true });
  });

  it('hosted without ADMIN_PASSWORD: only how to set it', async () => {
    kit = await startAdminKit({ withoutPassword: true, environment: { VERCEL: '1', API_KEYS: 'sk-test-12345678' } });
    expect(await view()).toEqual({ kind: 'not-configured' });
  });

  it('a bad environment: the same message the API gives, nothing else', async () => {
    kit = await startAdminKit();
    const broken = parseConfig({ UPSTREAM_MIN_GAP_MS: 'soon' });
    expect(await loadAdminView({ cookieHeader: null, origin: LOCAL, searchParams: {}, dependencies: { ...kit.dependencies, loadConfig: () => broken } })).toEqual({
      kind: 'misconfigured',
      message: 'UPSTREAM_MIN_GAP_MS: expected a whole number',
    });
  });

  it('signed in: every panel with live data, the action result, and no secret anywhere in the HTML', async () => {
    kit = await startAdminKit({ environment: { API_KEYS: 'laptop:sk-live-key-0123456789' } });
    const cookie = await kit.signIn();
    const chat = await kit.harness.chat(
      { model: 'gpt-4.1', messages: [{ role: 'user', content: 'SIM-REPLY: hello' }] },
      { headers: { authorization: 'Bearer sk-live-key-0123456789' } },
    );
    expect(chat.status).toBe(200);
    await chat.text();
    await kit.harness.settle();
    await kit.post('heartbeat', { cookie });
    const result = await encodeActionResult({ action: 'heartbeat', outcome: 'ok', message: 'Heartbeat OK', at: Date.now() }, ADMIN_PASSWORD);

    const loaded = await view({ cookie, searchParams: { result } });
    if (loaded.kind !== 'status') throw new Error(`expected the status view, got ${loaded.kind}`);
    expect(loaded.open).toBe(false);
    expect(loaded.result).toMatchObject({ action: 'heartbeat', message: 'Heartbeat OK' });
    const { panels } = loaded.status;
    // The simulator's tokens live an hour and nothing here refreshes them: amber, saying so.
    expect(panels.credentials).toMatchObject({ level: 'amber', present: true, source: 'env', reason: expect.stringContaining('nothing refreshes it') });
    expect(panels.heartbeat).toMatchObject({ level: 'green', action: 'created' });
    expect(panels.login).toMatchObject({ level: 'amber', enabled: false });
    expect(panels.pacer.level).toBe('green');
    expect(panels.sessions).toMatchObject({ level: 'green', open: [], expired: [] });
    // The harness runs sessions per chat (PER_CHAT_SESSIONS): the pool is off.
    expect(panels.sessionPool).toMatchObject({ level: 'green', policy: { size: 0, deleteBatchSize: 1 }, status: { pooled: 0, pendingDeletes: 0 } });
    expect(panels.traffic).toMatchObject({ available: true, level: 'green' });
    expect(panels.traffic.recent).toHaveLength(1);
    expect(panels.traffic.recent[0]).toMatchObject({ status: 200, model: 'gpt-4.1', client: 'laptop' });
    expect(panels.traffic.series.reduce((sum, hour) => sum + hour.requests, 0)).toBe(1);
    expect(panels.reachability.level).toBe('unknown');
    expect(panels.configuration.items.find((item) => item.name === 'API_KEYS')).toMatchObject({ value: 'set: 1 key(s)' });
    expect(loaded.status.overall.checks?.length).toBeGreaterThan(0);

    const html = renderToStaticMarkup(createElement(AdminStatusView, { status: loaded.status, open: loaded.open, result: loaded.result, config: loaded.config, chat: loaded.chat }));
    const secrets = [kit.harness.config.xipu.manualCredentials!.jmToken, kit.harness.config.xipu.manualCredentials!.sdpSession, 'sk-live-key-0123456789', ADMIN_PASSWORD];
    for (const secret of secrets) expect(html).not.toContain(secret);
    for (const title of ['Upstream credentials', 'Last login', 'Heartbeat', 'Pacer', 'Sessions', 'Session pool', 'Traffic', 'Client keys', 'Reachability', 'Configuration']) {
      expect(html).toContain(title);
    }
    expect(html).toContain('<svg class="chart"');
    expect(html).toContain('action="/admin/actions/heartbeat"');
    expect(html).toContain('action="/admin/actions/sign-out"');
    // Connect a client: this deployment's URL in each setup, never a key.
    expect(html).toContain('Connect a client');
    expect(html).toContain(`export ANTHROPIC_BASE_URL=${GATEWAY_ORIGIN}\n`);
    expect(html).toContain(`base_url = &quot;${GATEWAY_ORIGIN}/v1&quot;`);
    expect(html).toContain(`Custom endpoint: ${GATEWAY_ORIGIN}\n`);
    // Try a chat: the models and the keys by name, never a key's text (checked above).
    expect(html).toContain('Try a chat');
    expect(loaded.chat.models).toContain('gpt-4.1');
    expect(loaded.chat.keys).toEqual([{ value: 'laptop', name: 'laptop', source: 'environment' }]);
    expect(html).toContain('<option value="laptop">laptop (API_KEYS)</option>');
  });

  it('open locally (no ADMIN_PASSWORD): the panels with a loud banner', async () => {
    kit = await startAdminKit({ withoutPassword: true });
    const loaded = await view();
    if (loaded.kind !== 'status') throw new Error(`expected the status view, got ${loaded.kind}`);
    expect(loaded.open).toBe(true);
    const html = renderToStaticMarkup(createElement(AdminStatusView, { status: loaded.status, open: loaded.open, result: loaded.result, config: loaded.config, chat: loaded.chat }));
    expect(html).toContain('This page is open to anyone who can reach this port.');
    expect(html).not.toContain('sign-out');
  });
});
