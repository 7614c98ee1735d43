import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkBundles, readRouteTraces } from '../../scripts/check-bundles';

const chromiumBin = '../../../../node_modules/@sparticuz/chromium/bin/chromium.br';
const clean = ['../../chunks/route.js', '../../../../node_modules/zod/index.js'];

function traces(entries: Record<string, string[]>) {
  return new Map(Object.entries(entries));
}

describe('checkBundles', () => {
  const healthy = {
    'v1/chat/completions': clean,
    'chat/completions': clean,
    'v1/models': clean,
    models: clean,
    'api/login': [...clean, '../../../node_modules/puppeteer-core/lib/esm/index.js', chromiumBin],
    'api/cron/keepalive': [...clean, chromiumBin],
    'admin/actions/log-in': [...clean, chromiumBin],
  };

  it('passes a build whose API routes are browser-free and whose login routes carry Chromium', () => {
    const result = checkBundles(traces(healthy));
    expect(result.violations).toEqual([]);
    expect(result.apiRoutes).toEqual(['chat/completions', 'models', 'v1/chat/completions', 'v1/models']);
  });

  it('fails when a /v1 route traces puppeteer-core', () => {
    const result = checkBundles(traces({ ...healthy, 'v1/chat/completions': [...clean, '../../node_modules/puppeteer-core/lib/cjs/puppeteer.js'] }));
    expect(result.violations).toEqual(['/v1/chat/completions bundles puppeteer-core (../../node_modules/puppeteer-core/lib/cjs/puppeteer.js)']);
  });

  it('checks a streaming route outside /v1 (the /admin chat) too', () => {
    expect(checkBundles(traces({ ...healthy, 'api/admin/chat': clean })).apiRoutes).toContain('api/admin/chat');
    const result = checkBundles(traces({ ...healthy, 'api/admin/chat': [...clean, '../../../node_modules/puppeteer-core/lib/esm/index.js'] }));
    expect(result.violations).toEqual(['/api/admin/chat bundles puppeteer-core (../../../node_modules/puppeteer-core/lib/esm/index.js)']);
  });

  it('fails when an alias without /v1 traces Chromium', () => {
    const result = checkBundles(traces({ ...healthy, models: [...clean, chromiumBin] }));
    expect(result.violations).toEqual([`/models bundles @sparticuz/chromium (${chromiumBin})`]);
  });

  it('fails when an API route traces a file of simulator/', () => {
    const simulatorFile = '../../../../../../simulator/start-simulator.ts';
    const result = checkBundles(traces({ ...healthy, 'v1/chat/completions': [...clean, simulatorFile] }));
    expect(result.violations).toEqual([`/v1/chat/completions traces the simulator (${simulatorFile})`]);
  });

  it('passes the chunk that demo mode loads, and a node_modules package named simulator', () => {
    const demoChunk = '../../../chunks/simulator_start-simulator_ts_13t01cs2jliu9._.js';
    const result = checkBundles(traces({ ...healthy, 'v1/chat/completions': [...clean, demoChunk, '../../../../../../node_modules/simulator/index.js'] }));
    expect(result.violations).toEqual([]);
  });

  it('fails when the login route lacks Chromium\'s binaries', () => {
    const result = checkBundles(traces({ ...healthy, 'api/login': clean }));
    expect(result.violations).toEqual(['/api/login does not trace @sparticuz/chromium/bin/chromium.br (outputFileTracingIncludes)']);
  });

  it('holds for this build', () => {
    // Fails rather than skips without a build: the test command builds first.
    expect(existsSync('.next/server/app'), 'no .next: run `npx tsx scripts/check-vercel-build.ts` (scripts/test.sh does)').toBe(true);
    const result = checkBundles(readRouteTraces('.next'));
    expect(result.violations).toEqual([]);
    expect(result.apiRoutes).toContain('v1/chat/completions');
    expect(result.apiRoutes).toContain('chat/completions');
    expect(result.apiRoutes).toContain('api/admin/chat');
  });
});
