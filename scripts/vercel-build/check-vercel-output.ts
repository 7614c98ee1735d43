/**
 * Holds `vercel build`'s output to the function plan (function-plan.ts). Pure, so a test can
 * feed it an output that breaks each rule.
 */
import type { FunctionPlan } from './function-plan';
import type { VercelFunction, VercelOutput } from './read-vercel-output';

/** Packages only the browser routes' function may contain. */
export const BROWSER_PACKAGES = ['puppeteer-core', '@sparticuz/chromium'] as const;

/** Chromium's compressed binary, which Next does not trace by itself (next.config.mjs). */
const CHROMIUM_BINARY = /(^|\/)node_modules\/@sparticuz\/chromium\/bin\/chromium\.br$/;

export interface VercelOutputCheck {
  violations: string[];
}

/**
 * Rules: no function except the browser routes' contains a browser package, and that one
 * serves nothing else and carries Chromium's binary; every function fits Vercel's size
 * limit and runs on the planned Node; the streaming routes may run the chat limit and are
 * told of disconnects (supportsCancellation), the browser routes are not; no other function
 * may run long; the keep-alive cron is declared, on a route that exists, at most daily
 * (Hobby) unless the plan says otherwise.
 */
export function checkVercelOutput(output: VercelOutput, plan: FunctionPlan): VercelOutputCheck {
  const violations: string[] = [];
  const browserRoutes = new Set(plan.browserRoutes);
  const streamingRoutes = new Set(plan.streamingRoutes);
  const functionOf = new Map<string, VercelFunction>();
  for (const vercelFunction of output.functions) for (const route of vercelFunction.routes) functionOf.set(route, vercelFunction);
  const label = (vercelFunction: VercelFunction) => `function ${vercelFunction.name} (${vercelFunction.routes.join(', ') || 'no route'})`;

  for (const vercelFunction of output.functions) {
    const servesBrowser = vercelFunction.routes.some((route) => browserRoutes.has(route));
    const others = vercelFunction.routes.filter((route) => !browserRoutes.has(route));
    if (servesBrowser && others.length > 0) {
      violations.push(`${label(vercelFunction)} packs ${others.join(', ')} with the browser routes: give them a function setting of their own`);
    } else if (!servesBrowser) {
      for (const browserPackage of BROWSER_PACKAGES) {
        // `node_modules/<name>/…`, or Next's hashed link to it (`.next/node_modules/<name>-<hash>`).
        const hit = vercelFunction.files.find((file) => file.path.includes(`node_modules/${browserPackage}/`) || file.path.includes(`node_modules/${browserPackage}-`));
        if (hit) violations.push(`${label(vercelFunction)} contains ${browserPackage} (${hit.path})`);
      }
    }
    const bytes = vercelFunction.files.reduce((sum, file) => sum + file.bytes, 0);
    if (bytes >= plan.maxFunctionBytes) {
      violations.push(`${label(vercelFunction)} is ${megabytes(bytes)} MB, over Vercel's ${megabytes(plan.maxFunctionBytes)} MB`);
    }
    if (vercelFunction.runtime !== plan.runtime) violations.push(`${label(vercelFunction)} runs ${vercelFunction.runtime ?? 'no runtime'}, not ${plan.runtime} (package.json engines.node)`);
    if (!servesBrowser && !vercelFunction.routes.some((route) => streamingRoutes.has(route)) && vercelFunction.maxDuration !== undefined && vercelFunction.maxDuration > plan.otherMaxDuration) {
      violations.push(
        `${label(vercelFunction)} may run ${vercelFunction.maxDuration} s but is neither a browser nor a streaming route: a route that streams goes into STREAMING_ROUTES and gets "supportsCancellation": true in vercel.json`,
      );
    }
  }

  for (const route of plan.browserRoutes) {
    const vercelFunction = functionOf.get(route);
    if (!vercelFunction) {
      violations.push(`${route} has no function`);
      continue;
    }
    if (!vercelFunction.files.some((file) => CHROMIUM_BINARY.test(file.path))) {
      violations.push(`${route}: its ${label(vercelFunction)} lacks @sparticuz/chromium/bin/chromium.br (next.config.mjs outputFileTracingIncludes)`);
    }
    if (vercelFunction.maxDuration !== plan.browserMaxDuration) violations.push(`${route}: maxDuration is ${vercelFunction.maxDuration ?? 'the default'}, not ${plan.browserMaxDuration}`);
    if (vercelFunction.supportsCancellation === true) violations.push(`${route}: supportsCancellation is true; a login must not end with its caller`);
  }

  for (const route of plan.streamingRoutes) {
    const vercelFunction = functionOf.get(route);
    if (!vercelFunction) {
      violations.push(`${route} has no function`);
      continue;
    }
    if (vercelFunction.maxDuration !== plan.streamingMaxDuration) violations.push(`${route}: maxDuration is ${vercelFunction.maxDuration ?? 'the default'}, not ${plan.streamingMaxDuration}`);
    if (vercelFunction.supportsCancellation !== true) {
      violations.push(`${route}: supportsCancellation is not true, so Vercel never signals a client disconnect (vercel.json functions)`);
    }
  }

  const crons = output.crons.filter((cron) => cron.path === plan.cronPath);
  if (crons.length === 0) violations.push(`the cron ${plan.cronPath} is not declared (vercel.json crons)`);
  for (const cron of crons) {
    if (plan.cronAtMostDaily && !isDailySchedule(cron.schedule)) violations.push(`the cron ${cron.path} runs "${cron.schedule}": the Hobby plan refuses a deploy with a cron more often than daily (on Pro: cronAtMostDaily false in function-plan.ts)`);
  }
  if (crons.length > 0 && !functionOf.has(plan.cronPath)) violations.push(`the cron ${plan.cronPath} has no function`);

  return { violations };
}

/** A fixed minute and hour (`M H * * *`, or given days): at most once a day. */
export function isDailySchedule(schedule: string): boolean {
  const fields = schedule.trim().split(/\s+/);
  return fields.length === 5 && /^\d+$/.test(fields[0]!) && /^\d+$/.test(fields[1]!);
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
