import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAdminView } from '@/lib/admin/view/load-admin-view';
import { adminStatusSources } from '@/lib/admin/view/admin-status-sources';
import { readRequestOrigin } from '@/lib/admin/access/read-request-origin';
import { registerWorker } from '@/lib/workers/register-worker';
import { AdminStatusView } from '@/app/admin/_components/admin-status-view';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '@/simulator/openai-compatible/start-openai-compatible-server';
import { GATEWAY_ORIGIN, startAdminKit, type AdminKit } from '../admin-test-kit';

/**
 * The Providers panel (issue 12 item 7): every source with its endpoints as routing sees
 * them — in flight, cooldown, last error — and the registered workers with their heartbeat,
 * never a worker's or an upstream's key.
 */
let kit: AdminKit | undefined;
let upstream: OpenAiCompatibleServer | undefined;
afterEach(async () => {
  await kit?.close();
  await upstream?.close();
  kit = undefined;
  upstream = undefined;
});

describe('the Providers panel', () => {
  it('shows an upstream cooling down after failures with its last error, the mock, XIPU and a registered worker', async () => {
    upstream = await startOpenAiCompatibleServer({ models: ['llama'], apiKey: 'sk-upstream-secret-key' });
    kit = await startAdminKit({
      environment: {
        MOCK_MODEL: 'true',
        WORKER_SECRET: 'worker-secret-for-the-panel',
        UPSTREAMS: JSON.stringify([{ id: 'lab', baseUrl: upstream.url, apiKey: 'sk-upstream-secret-key', models: ['llama'] }]),
      },
    });
    const cookie = await kit.signIn();
    await registerWorker(kit.harness.store, { id: 'gpu-box', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-worker-secret-key', models: ['qwen'] }, Date.now());

    upstream.setFault('status-500');
    for (let index = 0; index < 3; index += 1) {
      const response = await kit.harness.chat({ model: 'llama', messages: [{ role: 'user', content: 'hello' }] });
      expect(response.status).toBe(500);
      await response.text();
    }
    await kit.harness.settle();

    const loaded = await loadAdminView({
      cookieHeader: cookie,
      origin: readRequestOrigin(new Headers(), `${GATEWAY_ORIGIN}/admin`),
      searchParams: {},
      dependencies: kit.dependencies,
      sources: adminStatusSources,
    });
    if (loaded.kind !== 'status') throw new Error(`expected the status view, got ${loaded.kind}`);
    const panel = loaded.status.panels.providers;
    expect(panel.sources.map((source) => source.id)).toEqual(['mock', 'lab', 'workers', 'xipu']);
    const lab = panel.sources.find((source) => source.id === 'lab')!.endpoints[0]!;
    expect(lab).toMatchObject({ id: 'upstream:lab', state: 'unavailable', reason: expect.stringContaining('cooling down until') });
    expect(lab.lastError?.code).toBeDefined();
    expect(panel.sources.find((source) => source.id === 'workers')!.endpoints.map((endpoint) => [endpoint.id, endpoint.state])).toEqual([['worker:gpu-box', 'available']]);
    expect(panel.workers?.map((worker) => [worker.id, worker.health, worker.inFlight])).toEqual([['gpu-box', 'ok', 0]]);
    expect(panel.level).toBe('red');

    const html = renderToStaticMarkup(createElement(AdminStatusView, { status: loaded.status, open: loaded.open, result: loaded.result, config: loaded.config, chat: loaded.chat }));
    expect(html).toContain('upstream:lab');
    expect(html).toContain('gpu-box');
    expect(html).not.toContain('sk-upstream-secret-key');
    expect(html).not.toContain('sk-worker-secret-key');
    expect(html).not.toContain('worker-secret-for-the-panel');
  });
});
