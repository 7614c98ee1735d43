/**
 * Proves the function split from Vercel's own build: runs `vercel build` offline
 * (run-vercel-build.ts), then holds `.vercel/output` to the plan (function-plan.ts): the
 * browser stays in the browser routes' function and under 250 MB, the streaming routes
 * support cancellation, maxDuration is as intended, the keep-alive cron is declared.
 *
 * Usage: tsx scripts/check-vercel-build.ts [--no-build]   — `--no-build` checks the output of
 * an earlier run. Exits 1 on a failed build or a violation. The test command runs it in place
 * of `next build`: its `.next` serves the `next start` tests.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkVercelOutput } from './vercel-build/check-vercel-output';
import { FUNCTION_PLAN } from './vercel-build/function-plan';
import { readVercelOutput, type VercelFunction } from './vercel-build/read-vercel-output';
import { runVercelBuild } from './vercel-build/run-vercel-build';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function describeFunction(vercelFunction: VercelFunction): string {
  const megabytes = vercelFunction.files.reduce((sum, file) => sum + file.bytes, 0) / (1024 * 1024);
  const settings = `maxDuration ${vercelFunction.maxDuration ?? 'default'}, supportsCancellation ${vercelFunction.supportsCancellation ?? false}`;
  return `  ${vercelFunction.name}: ${megabytes.toFixed(1)} MB, ${settings} — ${vercelFunction.routes.join(' ')}`;
}

function main(): number {
  if (!process.argv.includes('--no-build')) {
    const build = runVercelBuild(ROOT);
    console.log(`vercel build took ${(build.durationMs / 1000).toFixed(0)} s`);
    if (build.exitCode !== 0) {
      console.error(`✗ vercel build failed (exit ${build.exitCode})`);
      return 1;
    }
  }
  const output = readVercelOutput(path.join(ROOT, '.vercel', 'output'), ROOT);
  console.log(`Functions in .vercel/output:\n${output.functions.map(describeFunction).join('\n')}`);
  const { violations } = checkVercelOutput(output, FUNCTION_PLAN);
  for (const violation of violations) console.error(`✗ ${violation}`);
  if (violations.length > 0) return 1;
  console.log('✓ the Vercel functions are split as planned (scripts/vercel-build/function-plan.ts)');
  return 0;
}

process.exit(main());
