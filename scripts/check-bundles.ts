/**
 * Proves from the build output that the browser stays out of the API: no /v1 route (nor its
 * alias without /v1, nor another streaming route of function-plan.ts such as /api/admin/chat)
 * traces puppeteer-core or @sparticuz/chromium, and the routes that log
 * in do trace Chromium's bin/ files (which Next does not find by itself: next.config.mjs).
 * Nor does an API route trace a file of the simulator, the separate program in `simulator/`:
 * demo mode's lazy import of it (lib/gateway/start-demo-upstream.ts) is compiled into a
 * chunk of its own, so a traced `simulator/` file would be a new way in (docs/architecture.md
 * "Layers").
 *
 * Usage: tsx scripts/check-bundles.ts [.next]   — exits 1 on a violation.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FUNCTION_PLAN } from './vercel-build/function-plan';

/** Packages that only the login routes may bundle. */
export const BROWSER_PACKAGES = ['puppeteer-core', '@sparticuz/chromium'];
/** Routes that launch the browser and must carry Chromium's binaries (trace paths: no leading `/`). */
export const BROWSER_ROUTES = FUNCTION_PLAN.browserRoutes.map((route) => route.slice(1));

/** The simulator's folder, from the repository root (the parent of the `.next` folder). */
export const SIMULATOR_FOLDER = 'simulator/';

/** Route path (e.g. `v1/chat/completions`) → the files its trace lists. */
export type RouteTraces = Map<string, string[]>;

export interface BundleCheck {
  /** The API routes checked to be browser-free. */
  apiRoutes: string[];
  violations: string[];
}

/** Checks traces: pure, so a test can feed it a trace that does list the browser. */
export function checkBundles(traces: RouteTraces): BundleCheck {
  const violations: string[] = [];
  const v1Routes = [...traces.keys()].filter((route) => route === 'v1' || route.startsWith('v1/'));
  const aliases = v1Routes.map((route) => route.slice('v1/'.length)).filter((route) => traces.has(route));
  // The streaming routes outside /v1 (the /admin chat) run chats too: browser-free as well.
  const streaming = FUNCTION_PLAN.streamingRoutes.map((route) => route.slice(1)).filter((route) => traces.has(route));
  const apiRoutes = [...new Set([...v1Routes, ...aliases, ...streaming])].sort();
  if (v1Routes.length === 0) violations.push('no /v1 route traces found: is this a build of the gateway?');

  for (const route of apiRoutes) {
    for (const browserPackage of BROWSER_PACKAGES) {
      const hit = traces.get(route)?.find((file) => file.includes(`node_modules/${browserPackage}/`));
      if (hit) violations.push(`/${route} bundles ${browserPackage} (${hit})`);
    }
    const simulatorFile = traces.get(route)?.find((file) => fromRepositoryRoot(route, file).startsWith(SIMULATOR_FOLDER));
    if (simulatorFile) violations.push(`/${route} traces the simulator (${simulatorFile})`);
  }
  for (const route of BROWSER_ROUTES) {
    const files = traces.get(route);
    if (!files) violations.push(`/${route} has no trace`);
    else if (!files.some((file) => /node_modules\/@sparticuz\/chromium\/bin\/chromium\.br$/.test(file))) {
      violations.push(`/${route} does not trace @sparticuz/chromium/bin/chromium.br (outputFileTracingIncludes)`);
    }
  }
  return { apiRoutes, violations };
}

/** A route's trace entry (relative to `.next/server/app/<route>/`) as a path from the repository root. */
function fromRepositoryRoot(route: string, file: string): string {
  return path.posix.normalize(path.posix.join('.next/server/app', route, file));
}

/** Reads every `route.js.nft.json` under `<nextDir>/server/app`. */
export function readRouteTraces(nextDir: string): RouteTraces {
  const appDir = path.join(nextDir, 'server', 'app');
  const traces: RouteTraces = new Map();
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory)) {
      const full = path.join(directory, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry === 'route.js.nft.json') {
        const route = path.relative(appDir, directory).split(path.sep).join('/');
        const parsed = JSON.parse(readFileSync(full, 'utf8')) as { files?: unknown };
        traces.set(route, Array.isArray(parsed.files) ? parsed.files.filter((file): file is string => typeof file === 'string') : []);
      }
    }
  };
  walk(appDir);
  return traces;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const nextDir = process.argv[2] ?? '.next';
  const { apiRoutes, violations } = checkBundles(readRouteTraces(nextDir));
  console.log(`Checked ${apiRoutes.length} API routes for browser packages: ${apiRoutes.map((route) => `/${route}`).join(', ')}`);
  console.log(`Checked ${BROWSER_ROUTES.map((route) => `/${route}`).join(', ')} for Chromium's binaries.`);
  if (violations.length > 0) {
    for (const violation of violations) console.error(`✗ ${violation}`);
    process.exit(1);
  }
  console.log('✓ the browser and the simulator\'s files stay out of the /v1 bundles');
}
