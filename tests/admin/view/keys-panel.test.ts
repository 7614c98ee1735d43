import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminStatusView } from '@/app/admin/_components/admin-status-view';
import { readRequestOrigin } from '@/lib/admin/access/read-request-origin';
import { adminStatusSources } from '@/lib/admin/view/admin-status-sources';
import { loadAdminView } from '@/lib/admin/view/load-admin-view';
import { readKeysPanelSource } from '@/lib/admin/view/panels/describe-keys-panel';
import { layoutUsageChart } from '@/lib/admin/view/traffic-chart';
import { createManagedKey } from '@/lib/keys/create-managed-key';
import { settleKeyUsage } from '@/lib/keys/settle-key-usage';
import { revokeManagedKey } from '@/lib/keys/update-managed-key';
import { createMemoryStore } from '@/lib/store/memory-store';
import { createUpstashStore } from '@/lib/store/upstash-store';
import { countStoreCalls } from '../../metrics/count-store-calls';
import { startRealRedisUpstash, type RealRedisUpstash } from '../../support/start-real-redis-upstash';
import { GATEWAY_ORIGIN, startAdminKit, type AdminKit } from '../admin-test-kit';

/**
 * The "Client keys" panel of /admin on real Redis: every key (managed and API_KEYS) with its
 * limits, each managed key's usage today and over 30 days with errors, its per-day chart and
 * its last requests, the forms — and what it costs: three store commands whatever the number
 * of keys.
 */
const ENV_KEY = 'sk-env-key-for-the-panel-0123';
const DAY = 86_400_000;
let redis: RealRedisUpstash;
let kit: AdminKit;

beforeAll(async () => {
  redis = await startRealRedisUpstash();
  kit = await startAdminKit({
    environment: { API_KEYS: `ci-runner:${ENV_KEY}` },
    harness: { store: createUpstashStore({ url: redis.url, token: redis.token, retry: false }) },
  });
});
afterAll(async () => {
  await kit?.close();
  await redis?.close();
});

async function chat(key: string, content = 'SIM-REPLY: hello there'): Promise<number> {
  const response = await kit.harness.chat({ model: 'gpt-4.1', messages: [{ role: 'user', content }] }, { headers: { authorization: `Bearer ${key}` } });
  await response.text();
  await kit.harness.settle();
  return response.status;
}

async function renderPage() {
  const loaded = await loadAdminView({
    cookieHeader: await kit.signIn(),
    origin: readRequestOrigin(new Headers(), `${GATEWAY_ORIGIN}/admin`),
    searchParams: {},
    dependencies: kit.dependencies,
    sources: adminStatusSources,
  });
  if (loaded.kind !== 'status') throw new Error(`expected the status view, got ${loaded.kind}`);
  const html = renderToStaticMarkup(createElement(AdminStatusView, { status: loaded.status, open: loaded.open, result: loaded.result, config: loaded.config, chat: loaded.chat }));
  return { panel: loaded.status.panels.keys, html };
}

describe('the keys panel', () => {
  it('before any managed key: API_KEYS by name, the create form open, one store command', async () => {
    const counted = countStoreCalls(kit.harness.store);
    expect((await readKeysPanelSource(counted.store, Date.now())).records).toEqual([]);
    expect(counted.calls).toEqual(['hashGetAll']);
    const { panel, html } = await renderPage();
    expect(panel).toMatchObject({ level: 'green', available: true, managed: [], environment: ['ci-runner'] });
    expect(html).toContain('<details class="key-create" open="">');
    expect(html).toContain('from the environment (API_KEYS, read-only)');
  });

  it('lists every key with its limits and usage (today, 30 days, errors), a chart per key and its last requests; no key text', async () => {
    const now = Date.now();
    const alice = await createManagedKey(kit.harness.store, { name: 'alice', models: ['gpt-4.1'], rpm: 40, dailyTokens: 100_000 }, now);
    const bob = await createManagedKey(kit.harness.store, { name: 'bob', maxConcurrent: 2 }, now + 1);
    expect(await chat(alice.key)).toBe(200);
    expect(await chat(alice.key, 'SIM-REPLY: second')).toBe(200);
    expect(await chat(ENV_KEY)).toBe(200);
    // Five days ago, one of two requests failed (as the recorder settles a failure).
    await settleKeyUsage(kit.harness.store, { keyId: alice.record.id, promptTokens: 100, completionTokens: 0, at: now - 5 * DAY, failed: true });
    await settleKeyUsage(kit.harness.store, { keyId: alice.record.id, promptTokens: 50, completionTokens: 25, at: now - 5 * DAY });
    await revokeManagedKey(kit.harness.store, bob.record.id, now);

    const { panel, html } = await renderPage();
    expect(panel.reason).toBe('2 managed key(s) (1 revoked or expired), 1 from API_KEYS; managed keys today: 2 request(s), 0 error(s).');
    const [first, second] = panel.managed;
    expect(first).toMatchObject({ id: alice.record.id, name: 'alice', state: 'active', models: ['gpt-4.1'], rpm: 40, dailyTokens: 100_000 });
    expect(first!.usage.today).toMatchObject({ requests: 2, errors: 0 });
    expect(first!.usage.today.completionTokens).toBeGreaterThan(0);
    expect(first!.usage.last30Days).toMatchObject({ requests: 4, errors: 1, promptTokens: first!.usage.today.promptTokens + 150, completionTokens: first!.usage.today.completionTokens + 25 });
    expect(first!.usage.days).toHaveLength(30);
    expect(first!.usage.days.at(-6)).toEqual({ day: new Date(now - 5 * DAY).toISOString().slice(0, 10), requests: 2, promptTokens: 150, completionTokens: 25, errors: 1 });
    expect(first!.usage.chart.bars).toHaveLength(30);
    expect(first!.usage.chart.totals).toMatchObject({ requests: 4, errors: 1 });
    expect(first!.recent.map((request) => [request.model, request.status])).toEqual([['gpt-4.1', 200], ['gpt-4.1', 200]]);
    expect(first!.recent[0]!.tokens).toBeGreaterThan(0);
    expect(second).toMatchObject({ id: bob.record.id, state: 'revoked', maxConcurrent: 2, recent: [] });

    for (const text of ['Client keys', 'alice', 'bob', alice.record.id, bob.record.id, 'ci-runner', '40', '100000', `${kit.harness.config.limits.requestsPerMinute} (default)`, 'Usage of the managed keys']) {
      expect(html).toContain(text);
    }
    const aliceDetails = html.slice(html.indexOf(`id="key-${alice.record.id}"`), html.indexOf(`id="key-${bob.record.id}"`));
    expect(aliceDetails).toContain('<svg class="chart"');
    expect(aliceDetails).toContain('tokens per day (right axis)');
    expect(aliceDetails).toContain('action="/admin/actions/update-key"');
    expect(aliceDetails).toContain('action="/admin/actions/revoke-key"');
    expect(aliceDetails).toContain(`value="${alice.record.id}"`);
    // The change form is filled with the key's own settings.
    expect(aliceDetails).toMatch(/type="number" min="1" step="1" name="rpm" value="40"/);
    const bobDetails = html.slice(html.indexOf(`id="key-${bob.record.id}"`));
    expect(bobDetails.slice(0, bobDetails.indexOf('</details>'))).not.toContain('revoke-key');
    expect(html).toContain('action="/admin/actions/create-key"');
    expect(html).not.toContain('<details class="key-create" open="">');
    for (const secret of [alice.key, bob.key, ENV_KEY, alice.record.hash, bob.record.hash]) expect(html).not.toContain(secret);
  });

  it('costs three Redis commands whatever the number of keys', async () => {
    for (let index = 0; index < 4; index += 1) await createManagedKey(kit.harness.store, { name: `extra-${index}` }, Date.now());
    redis.resetCount();
    const source = await readKeysPanelSource(kit.harness.store, Date.now());
    expect(source.records.length).toBeGreaterThanOrEqual(6);
    expect(redis.commandCount()).toBe(3);
    const counted = countStoreCalls(createMemoryStore());
    await createManagedKey(counted.store, { name: 'one' }, Date.now());
    counted.reset();
    await readKeysPanelSource(counted.store, Date.now());
    expect(counted.calls.sort()).toEqual(['hashGetAll', 'listRange', 'readKeysUsage']);
  });
});

describe('the per-day chart', () => {
  it('a bar per UTC day, errors at the foot, tokens as a line broken on days without requests, a label a week', () => {
    const start = Date.UTC(2026, 2, 1);
    const days = Array.from({ length: 30 }, (_, index) => ({ dayStart: start + index * DAY, requests: index === 3 ? 4 : index === 29 ? 2 : 0, errors: index === 3 ? 1 : 0, tokens: index === 3 ? 1_500 : index === 29 ? 300 : 0 }));
    const chart = layoutUsageChart(days);
    expect(chart.bars).toHaveLength(30);
    expect(chart.bars[3]!.errorsHeight).toBeCloseTo(chart.bars[3]!.requestsHeight / 4, 0);
    expect(chart.bars[3]!.title).toBe('2026-03-04: 4 request(s), 1 error(s), 1500 token(s)');
    expect(chart.linePath.match(/M/g)).toHaveLength(2);
    expect(chart.lineTicks.map((tick) => tick.label)).toEqual(['0', '500', '1k', '1.5k', '2k']);
    expect(chart.bucketTicks.map((tick) => tick.label)).toEqual(['03-01', '03-08', '03-15', '03-22', '03-30']);
    expect(chart.totals).toEqual({ requests: 6, errors: 1, tokens: 1_800 });
    expect(chart.summary).toBe('Requests, errors and tokens per day over the last 30 days: 6 requests, 1 errors, 1800 tokens.');
  });
});
