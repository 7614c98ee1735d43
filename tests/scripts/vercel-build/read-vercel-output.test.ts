import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkVercelOutput } from '../../../scripts/vercel-build/check-vercel-output';
import { FUNCTION_PLAN } from '../../../scripts/vercel-build/function-plan';

/** The fake output holds the chat routes only: the plan with just those as streaming routes. */
const PLAN = { ...FUNCTION_PLAN, streamingRoutes: ['/v1/chat/completions', '/chat/completions'] };
import { readVercelOutput } from '../../../scripts/vercel-build/read-vercel-output';

let project: string;
beforeEach(() => {
  project = mkdtempSync(path.join(tmpdir(), 'vercel-output-'));
});
afterEach(() => {
  rmSync(project, { recursive: true, force: true });
});

function writeFile(relative: string, content: string | Buffer) {
  const full = path.join(project, relative);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content);
}

/** A function directory the way `vercel build` writes it: own files plus a filePathMap into the project. */
function writeFunction(name: string, vcConfig: Record<string, unknown>, mapped: string[]) {
  writeFile(`.vercel/output/functions/${name}.func/___next_launcher.cjs`, 'x'.repeat(100));
  writeFile(
    `.vercel/output/functions/${name}.func/.vc-config.json`,
    JSON.stringify({ runtime: 'nodejs24.x', handler: '___next_launcher.cjs', ...vcConfig, filePathMap: Object.fromEntries(mapped.map((file) => [file, file])) }),
  );
}

/** `<route>.func` → the function that serves it, as the CLI links grouped routes. */
function linkRoute(route: string, target: string) {
  const link = path.join(project, '.vercel/output/functions', `${route}.func`);
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(path.relative(path.dirname(link), path.join(project, '.vercel/output/functions', `${target}.func`)), link);
}

function writeFakeOutput({ chatInBrowserFunction }: { chatInBrowserFunction: boolean }) {
  writeFile('node_modules/next/server.js', 'n'.repeat(1_000));
  writeFile('node_modules/puppeteer-core/index.js', 'p'.repeat(2_000));
  writeFile('node_modules/@sparticuz/chromium/bin/chromium.br', Buffer.alloc(5_000));
  mkdirSync(path.join(project, '.next/node_modules/@sparticuz'), { recursive: true });
  symlinkSync('../../../node_modules/@sparticuz/chromium', path.join(project, '.next/node_modules/@sparticuz/chromium-3369da5717b3ccb5'));
  writeFile(
    '.vercel/output/config.json',
    JSON.stringify({ version: 3, routes: [], crons: [{ path: '/api/cron/keepalive', schedule: '0 3 * * *' }, { path: 7 }] }),
  );
  writeFunction('admin/actions/log-in', { maxDuration: 300 }, [
    'node_modules/next/server.js',
    'node_modules/puppeteer-core/index.js',
    'node_modules/@sparticuz/chromium/bin/chromium.br',
    '.next/node_modules/@sparticuz/chromium-3369da5717b3ccb5',
    'node_modules/@sparticuz',
  ]);
  linkRoute('admin/actions/log-in.rsc', 'admin/actions/log-in');
  linkRoute('api/login', 'admin/actions/log-in');
  linkRoute('api/cron/keepalive', 'admin/actions/log-in');
  if (chatInBrowserFunction) {
    linkRoute('chat/completions', 'admin/actions/log-in');
    linkRoute('v1/chat/completions', 'admin/actions/log-in');
  } else {
    writeFunction('chat/completions', { maxDuration: 300, supportsCancellation: true }, ['node_modules/next/server.js']);
    linkRoute('chat/completions.rsc', 'chat/completions');
    linkRoute('v1/chat/completions', 'chat/completions');
  }
  writeFunction('admin', {}, ['node_modules/next/server.js']);
  linkRoute('index', 'admin');
  linkRoute('_not-found.segments/_full.segment.rsc', 'admin');
}

describe('readVercelOutput', () => {
  it('reads functions with the routes linked to them, their settings, files and sizes, and the crons', () => {
    writeFakeOutput({ chatInBrowserFunction: false });

    const output = readVercelOutput(path.join(project, '.vercel/output'), project);

    expect(output.crons).toEqual([{ path: '/api/cron/keepalive', schedule: '0 3 * * *' }]);
    expect(output.functions.map(({ name, routes, maxDuration, supportsCancellation, runtime }) => ({ name, routes, maxDuration, supportsCancellation, runtime }))).toEqual([
      { name: 'admin', routes: ['/', '/admin'], maxDuration: undefined, supportsCancellation: undefined, runtime: 'nodejs24.x' },
      {
        name: 'admin/actions/log-in',
        routes: ['/admin/actions/log-in', '/api/cron/keepalive', '/api/login'],
        maxDuration: 300,
        supportsCancellation: undefined,
        runtime: 'nodejs24.x',
      },
      { name: 'chat/completions', routes: ['/chat/completions', '/v1/chat/completions'], maxDuration: 300, supportsCancellation: true, runtime: 'nodejs24.x' },
    ]);
    const browserFunction = output.functions[1]!;
    const sizes = Object.fromEntries(browserFunction.files.map((file) => [file.path, file.bytes]));
    expect(sizes).toMatchObject({
      '___next_launcher.cjs': 100,
      'node_modules/next/server.js': 1_000,
      'node_modules/puppeteer-core/index.js': 2_000,
      'node_modules/@sparticuz/chromium/bin/chromium.br': 5_000,
      // The link itself, not the package it points to.
      '.next/node_modules/@sparticuz/chromium-3369da5717b3ccb5': '../../../node_modules/@sparticuz/chromium'.length,
    });
    expect(sizes).not.toHaveProperty(['node_modules/@sparticuz']);
    expect(checkVercelOutput(output, PLAN).violations).toEqual([]);
  });

  it('exposes the chat routes packed into the browser function to the check', () => {
    writeFakeOutput({ chatInBrowserFunction: true });

    const violations = checkVercelOutput(readVercelOutput(path.join(project, '.vercel/output'), project), PLAN).violations;

    expect(violations).toContain(
      'function admin/actions/log-in (/admin/actions/log-in, /api/cron/keepalive, /api/login, /chat/completions, /v1/chat/completions) packs /chat/completions, /v1/chat/completions with the browser routes: give them a function setting of their own',
    );
    expect(violations).toContain('/v1/chat/completions: supportsCancellation is not true, so Vercel never signals a client disconnect (vercel.json functions)');
  });

  it('throws for a directory that is not a build output', () => {
    expect(() => readVercelOutput(path.join(project, '.vercel/output'), project)).toThrow(/config\.json/);
  });
});
