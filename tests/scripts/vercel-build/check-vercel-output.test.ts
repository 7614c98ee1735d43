import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVercelOutput, isDailySchedule } from '../../../scripts/vercel-build/check-vercel-output';
import { FUNCTION_PLAN } from '../../../scripts/vercel-build/function-plan';
import { readVercelOutput, type VercelFunction, type VercelOutput } from '../../../scripts/vercel-build/read-vercel-output';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const MB = 1024 * 1024;

const common = [
  { path: '___next_launcher.cjs', bytes: 10_000 },
  { path: 'node_modules/next/dist/compiled/next-server/server.runtime.prod.js', bytes: 2 * MB },
];
const browserFiles = [
  { path: 'node_modules/puppeteer-core/lib/esm/puppeteer/puppeteer-core.js', bytes: 1_000 },
  { path: '.next/node_modules/@sparticuz/chromium-3369da5717b3ccb5', bytes: 40 },
  { path: 'node_modules/@sparticuz/chromium/bin/chromium.br', bytes: 64 * MB },
];

function vercelFunction(name: string, routes: string[], settings: Partial<VercelFunction> = {}): VercelFunction {
  return { name, routes, runtime: 'nodejs24.x', files: common, ...settings };
}

/** As `vercel build` packs the gateway today (observed output, sizes rounded). */
function healthyOutput(): VercelOutput {
  return {
    functions: [
      vercelFunction('admin', ['/', '/admin']),
      vercelFunction('admin/actions/[action]', ['/admin/actions/[action]'], { maxDuration: 60 }),
      vercelFunction('admin/actions/log-in', ['/admin/actions/log-in', '/api/cron/keepalive', '/api/login'], {
        maxDuration: 300,
        files: [...common, ...browserFiles],
      }),
      vercelFunction('api/health', ['/api/health', '/models', '/v1/models', '/v1/responses'], { maxDuration: 10 }),
      vercelFunction('chat/completions', ['/chat/completions', '/v1/chat/completions'], { maxDuration: 300, supportsCancellation: true }),
    ],
    crons: [{ path: '/api/cron/keepalive', schedule: '0 3 * * *' }],
  };
}

/** The healthy output with one function replaced (matched by name). */
function withFunction(replacement: VercelFunction): VercelOutput {
  const output = healthyOutput();
  return { ...output, functions: output.functions.map((existing) => (existing.name === replacement.name ? replacement : existing)) };
}

/**
 * The plan with the chat routes as its only streaming routes, so these fixtures stay valid as
 * API shapes add streaming routes to FUNCTION_PLAN (the real build's check covers those).
 */
const PLAN = { ...FUNCTION_PLAN, streamingRoutes: ['/v1/chat/completions', '/chat/completions'] };
const check = (output: VercelOutput) => checkVercelOutput(output, PLAN).violations;

describe('checkVercelOutput', () => {
  it('passes the split as planned', () => {
    expect(check(healthyOutput())).toEqual([]);
  });

  it('fails when the chat routes are packed into the browser function (no setting of their own)', () => {
    const output = healthyOutput();
    output.functions = output.functions.filter((existing) => existing.name !== 'chat/completions');
    output.functions[2] = vercelFunction(
      'admin/actions/log-in',
      ['/admin/actions/log-in', '/api/cron/keepalive', '/api/login', '/chat/completions', '/v1/chat/completions'],
      { maxDuration: 300, files: [...common, ...browserFiles] },
    );
    expect(check(output)).toEqual([
      'function admin/actions/log-in (/admin/actions/log-in, /api/cron/keepalive, /api/login, /chat/completions, /v1/chat/completions) packs /chat/completions, /v1/chat/completions with the browser routes: give them a function setting of their own',
      '/v1/chat/completions: supportsCancellation is not true, so Vercel never signals a client disconnect (vercel.json functions)',
      '/chat/completions: supportsCancellation is not true, so Vercel never signals a client disconnect (vercel.json functions)',
    ]);
  });

  it.each([
    ['puppeteer-core', { path: 'node_modules/puppeteer-core/lib/cjs/puppeteer/index.js', bytes: 1 }],
    ['@sparticuz/chromium', { path: 'node_modules/@sparticuz/chromium/bin/al2023.tar.br', bytes: 1 }],
    ['@sparticuz/chromium', { path: '.next/node_modules/@sparticuz/chromium-3369da5717b3ccb5', bytes: 40 }],
  ])('fails when a function without browser routes contains %s (%j)', (browserPackage, file) => {
    const output = withFunction(vercelFunction('api/health', ['/api/health', '/v1/models'], { maxDuration: 10, files: [...common, file] }));
    expect(check(output)).toEqual([`function api/health (/api/health, /v1/models) contains ${browserPackage} (${file.path})`]);
  });

  it('fails when the browser function lacks Chromium\'s binary', () => {
    const output = withFunction(
      vercelFunction('admin/actions/log-in', ['/admin/actions/log-in', '/api/cron/keepalive', '/api/login'], {
        maxDuration: 300,
        files: [...common, browserFiles[0]!],
      }),
    );
    expect(check(output)).toEqual(
      ['/api/login', '/api/cron/keepalive', '/admin/actions/log-in'].map(
        (route) =>
          `${route}: its function admin/actions/log-in (/admin/actions/log-in, /api/cron/keepalive, /api/login) lacks @sparticuz/chromium/bin/chromium.br (next.config.mjs outputFileTracingIncludes)`,
      ),
    );
  });

  it('fails when a function reaches 250 MB', () => {
    const output = withFunction(
      vercelFunction('admin/actions/log-in', ['/admin/actions/log-in', '/api/cron/keepalive', '/api/login'], {
        maxDuration: 300,
        files: [...common, ...browserFiles, { path: 'node_modules/@sparticuz/chromium/bin/swiftshader.tar.br', bytes: 186 * MB }],
      }),
    );
    expect(check(output)).toEqual([
      "function admin/actions/log-in (/admin/actions/log-in, /api/cron/keepalive, /api/login) is 252.0 MB, over Vercel's 250.0 MB",
    ]);
  });

  it('fails when a streaming route does not support cancellation or has another limit', () => {
    const output = withFunction(vercelFunction('chat/completions', ['/chat/completions', '/v1/chat/completions'], { maxDuration: 60 }));
    expect(check(output)).toEqual([
      '/v1/chat/completions: maxDuration is 60, not 300',
      '/v1/chat/completions: supportsCancellation is not true, so Vercel never signals a client disconnect (vercel.json functions)',
      '/chat/completions: maxDuration is 60, not 300',
      '/chat/completions: supportsCancellation is not true, so Vercel never signals a client disconnect (vercel.json functions)',
    ]);
  });

  it('fails when the browser routes support cancellation or lose their limit', () => {
    const output = withFunction(
      vercelFunction('admin/actions/log-in', ['/admin/actions/log-in', '/api/cron/keepalive', '/api/login'], {
        supportsCancellation: true,
        files: [...common, ...browserFiles],
      }),
    );
    expect(check(output)).toEqual(
      ['/api/login', '/api/cron/keepalive', '/admin/actions/log-in'].flatMap((route) => [
        `${route}: maxDuration is the default, not 300`,
        `${route}: supportsCancellation is true; a login must not end with its caller`,
      ]),
    );
  });

  it('fails when a streaming route added later lacks the plan and vercel.json entry (a long route outside both)', () => {
    const output = healthyOutput();
    output.functions.push(vercelFunction('v1/messages', ['/v1/messages'], { maxDuration: 300 }));
    expect(check(output)).toEqual([
      'function v1/messages (/v1/messages) may run 300 s but is neither a browser nor a streaming route: a route that streams goes into STREAMING_ROUTES and gets "supportsCancellation": true in vercel.json',
    ]);
  });

  it('fails when a route has no function at all', () => {
    const output = healthyOutput();
    output.functions = output.functions.filter((existing) => existing.name !== 'chat/completions');
    expect(check(output)).toEqual(['/v1/chat/completions has no function', '/chat/completions has no function']);
  });

  it('fails when a function runs another Node than package.json pins', () => {
    const output = withFunction(vercelFunction('admin', ['/', '/admin'], { runtime: 'nodejs22.x' }));
    expect(check(output)).toEqual(['function admin (/, /admin) runs nodejs22.x, not nodejs24.x (package.json engines.node)']);
  });

  it('fails when the keep-alive cron is missing, too frequent for Hobby, or has no function', () => {
    expect(check({ ...healthyOutput(), crons: [] })).toEqual(['the cron /api/cron/keepalive is not declared (vercel.json crons)']);
    expect(check({ ...healthyOutput(), crons: [{ path: '/api/cron/keepalive', schedule: '*/15 * * * *' }] })).toEqual([
      'the cron /api/cron/keepalive runs "*/15 * * * *": the Hobby plan refuses a deploy with a cron more often than daily (on Pro: cronAtMostDaily false in function-plan.ts)',
    ]);
    const pro = { ...PLAN, cronAtMostDaily: false };
    expect(checkVercelOutput({ ...healthyOutput(), crons: [{ path: '/api/cron/keepalive', schedule: '*/15 * * * *' }] }, pro).violations).toEqual([]);
    const plan = { ...PLAN, cronPath: '/api/cron/elsewhere' };
    const output = { ...healthyOutput(), crons: [{ path: '/api/cron/elsewhere', schedule: '0 3 * * *' }] };
    expect(checkVercelOutput(output, plan).violations).toEqual(['the cron /api/cron/elsewhere has no function']);
  });

  it.each([
    ['0 3 * * *', true],
    ['15 23 * * 1', true],
    ['0 * * * *', false],
    ['0,30 3 * * *', false],
    ['*/15 * * * *', false],
    ['0 3 * *', false],
  ])('isDailySchedule(%j) is %s', (schedule, daily) => {
    expect(isDailySchedule(schedule)).toBe(daily);
  });
});

describe('this build (.vercel/output from scripts/check-vercel-build.ts)', () => {
  it('is split as planned', () => {
    const outputDir = path.join(ROOT, '.vercel', 'output');
    // Fails rather than skips: the test command builds it, and a check that quietly skips proves nothing.
    expect(existsSync(path.join(outputDir, 'config.json')), 'no .vercel/output: run `npx tsx scripts/check-vercel-build.ts` (scripts/test.sh does)').toBe(true);
    const output = readVercelOutput(outputDir, ROOT);
    expect(checkVercelOutput(output, FUNCTION_PLAN).violations).toEqual([]);
    const chat = output.functions.find((candidate) => candidate.routes.includes('/v1/chat/completions'));
    expect(chat?.routes).toContain('/chat/completions');
    expect(chat?.supportsCancellation).toBe(true);
  });
});
