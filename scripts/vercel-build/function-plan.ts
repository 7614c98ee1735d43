/**
 * How the gateway's routes are meant to be packed into Vercel functions: the one list of
 * browser routes and of streaming routes that the build check (check-vercel-output.ts) and
 * its tests hold `vercel.json`, `next.config.mjs` and `vercel build`'s output to.
 *
 * `@vercel/next` packs routes whose function settings are equal (maxDuration, memory,
 * regions, supportsCancellation …) into one function (`getPageLambdaGroups`), so the split
 * below has to come from a setting that differs on purpose: `supportsCancellation: true`,
 * which the streaming routes need anyway (vercel.json) and the browser routes must not have.
 */

/** The only routes that launch Chromium (next.config.mjs traces its binaries for them). */
export const BROWSER_ROUTES = ['/api/login', '/api/cron/keepalive', '/admin/actions/log-in'] as const;

/**
 * Routes that stream an answer. Each needs `"supportsCancellation": true` in vercel.json:
 * without it Vercel never tells the function that the client hung up (Vercel's docs "Cancel
 * requests"). A new streaming route (e.g. /v1/responses, /v1/messages) goes here and there.
 */
export const STREAMING_ROUTES = [
  '/v1/chat/completions',
  '/chat/completions',
  '/v1/completions',
  '/completions',
  '/v1/responses',
  '/responses',
  '/v1/messages',
  '/messages',
  // The /admin chat (lib/handlers/admin-chat.ts): streams like /v1/chat/completions.
  '/api/admin/chat',
] as const;

export interface FunctionPlan {
  browserRoutes: readonly string[];
  streamingRoutes: readonly string[];
  /** The browser routes' limit: Chromium's start (~3 s unpacking) plus the SSO pages. */
  browserMaxDuration: number;
  /** The chat routes' `maxDuration`: the Hobby limit with Fluid compute. */
  streamingMaxDuration: number;
  /**
   * Any other function must not be given longer than this: a long-running route either
   * streams (then it is a streaming route) or drives the browser.
   */
  otherMaxDuration: number;
  /** Vercel's limit on a function's uncompressed size: 250 MB (Vercel's docs "Bundle size limits"). */
  maxFunctionBytes: number;
  /** The Node runtime every function must get: package.json `engines.node` 24.x. */
  runtime: string;
  /** The keep-alive cron (vercel.json `crons`). */
  cronPath: string;
  /** The Hobby plan refuses a deploy whose cron runs more than once a day; on Pro set false. */
  cronAtMostDaily: boolean;
}

export const FUNCTION_PLAN: FunctionPlan = {
  browserRoutes: BROWSER_ROUTES,
  streamingRoutes: STREAMING_ROUTES,
  browserMaxDuration: 300,
  streamingMaxDuration: 300,
  otherMaxDuration: 60,
  // @vercel/build-utils counts in MiB (MAX_LAMBDA_UNCOMPRESSED_SIZE = 250 * 1024 * 1024).
  maxFunctionBytes: 250 * 1024 * 1024,
  runtime: 'nodejs24.x',
  cronPath: '/api/cron/keepalive',
  cronAtMostDaily: true,
};
