import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { NextConfig } from 'next';
import { describe, expect, it } from 'vitest';
import { FUNCTION_PLAN } from '../../../scripts/vercel-build/function-plan';

/**
 * The committed configuration agrees with the function plan, without a build: the build
 * check (scripts/check-vercel-build.ts) proves the same from `vercel build`'s output.
 */
const ROOT = path.resolve(import.meta.dirname, '../../..');

const vercelJson = JSON.parse(readFileSync(path.join(ROOT, 'vercel.json'), 'utf8')) as {
  functions?: Record<string, { supportsCancellation?: boolean; memory?: number; maxDuration?: number }>;
  crons?: Array<{ path: string; schedule: string }>;
};
const functions = vercelJson.functions ?? {};
const sourceOf = (route: string) => `app${route}/route.ts`;

/** `app/v1/chat/completions/route.ts` → `/v1/chat/completions`, with the `maxDuration` it exports. */
function routeFiles(): Array<{ route: string; maxDuration?: number }> {
  const found: Array<{ route: string; maxDuration?: number }> = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory)) {
      const full = path.join(directory, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry === 'route.ts') {
        const match = /export const maxDuration = (\d+);/.exec(readFileSync(full, 'utf8'));
        const route = `/${path.relative(path.join(ROOT, 'app'), directory).split(path.sep).join('/')}`;
        found.push({ route, maxDuration: match ? Number(match[1]) : undefined });
      }
    }
  };
  walk(path.join(ROOT, 'app'));
  return found;
}

describe('the function plan and the committed configuration', () => {
  it.each(FUNCTION_PLAN.streamingRoutes)('vercel.json gives the streaming route %s supportsCancellation', (route) => {
    expect(existsSync(path.join(ROOT, sourceOf(route)))).toBe(true);
    expect(functions[sourceOf(route)]?.supportsCancellation).toBe(true);
  });

  it('vercel.json gives no other route supportsCancellation, and sets no memory (ignored under Fluid compute)', () => {
    const cancelled = Object.entries(functions).filter(([, settings]) => settings.supportsCancellation === true).map(([source]) => source);
    expect(cancelled.sort()).toEqual(FUNCTION_PLAN.streamingRoutes.map(sourceOf).sort());
    expect(Object.values(functions).filter((settings) => settings.memory !== undefined)).toEqual([]);
    for (const source of Object.keys(functions)) expect(existsSync(path.join(ROOT, source)), source).toBe(true);
  });

  it('every route file that may run longer than the short limit is a browser or a streaming route, with the planned limit', () => {
    const long = routeFiles().filter(({ maxDuration }) => maxDuration !== undefined && maxDuration > FUNCTION_PLAN.otherMaxDuration);
    expect(long.map(({ route }) => route).sort()).toEqual([...FUNCTION_PLAN.browserRoutes, ...FUNCTION_PLAN.streamingRoutes].sort());
    for (const { route, maxDuration } of long) {
      const planned = FUNCTION_PLAN.streamingRoutes.includes(route) ? FUNCTION_PLAN.streamingMaxDuration : FUNCTION_PLAN.browserMaxDuration;
      expect(maxDuration, route).toBe(planned);
    }
  });

  it('next.config.mjs traces Chromium\'s binaries for exactly the browser routes', async () => {
    // Imported by URL: the .mjs file has no type declarations.
    const { default: nextConfig } = (await import(pathToFileURL(path.join(ROOT, 'next.config.mjs')).href)) as { default: NextConfig };
    expect(Object.keys(nextConfig.outputFileTracingIncludes ?? {}).sort()).toEqual([...FUNCTION_PLAN.browserRoutes].sort());
  });

  it('vercel.json declares the keep-alive cron', () => {
    expect(vercelJson.crons?.map((cron) => cron.path)).toContain(FUNCTION_PLAN.cronPath);
  });

  it('package.json pins the Node major the functions are planned to run', () => {
    const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines?: { node?: string } };
    expect(`nodejs${packageJson.engines?.node}`).toBe(FUNCTION_PLAN.runtime);
  });
});
