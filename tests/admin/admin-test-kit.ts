import type { AdminDependencies } from '@/lib/admin/context/admin-dependencies';
import type { CreateLogin } from '@/lib/xipu/credentials/start-login';
import { createAdminLogInRoute, createAdminRoutes } from '@/lib/admin/routes/route-table';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/** The admin's password in these tests (a test-only value). */
export const ADMIN_PASSWORD = 'admin-test-password-0123';
/** Where the tests pretend the gateway is served. */
export const GATEWAY_ORIGIN = 'http://127.0.0.1:3000';

export interface AdminKit {
  harness: GatewayHarness;
  dependencies: AdminDependencies;
  routes: ReturnType<typeof createAdminRoutes>;
  logInRoute: ReturnType<typeof createAdminLogInRoute>;
  /** Signs in (same origin, right password) and returns the `Cookie` header to send. */
  signIn(): Promise<string>;
  /** POSTs an action (same origin unless headers say otherwise; a header given as '' is left out) and returns the response. */
  post(action: string, options?: { cookie?: string; headers?: Record<string, string>; fields?: Record<string, string>; query?: Record<string, string> }): Promise<Response>;
  /** GETs an admin route (status, login-screenshot). */
  get(path: 'status' | 'login-screenshot', cookie?: string): Promise<Response>;
  close(): Promise<void>;
}

/**
 * The admin routes on a gateway harness (real store code, real simulator over HTTP), with
 * `after()` replaced by the harness's collector (`harness.settle()` runs the deferred work).
 */
export async function startAdminKit(options: {
  environment?: Record<string, string>;
  withoutPassword?: boolean;
  createLogin?: CreateLogin;
  harness?: Parameters<typeof startGatewayHarness>[0];
  now?: () => number;
} = {}): Promise<AdminKit> {
  const harness = await startGatewayHarness({
    ...options.harness,
    environment: { ...(options.withoutPassword ? {} : { ADMIN_PASSWORD }), ...options.harness?.environment, ...options.environment },
  });
  const dependencies: AdminDependencies = {
    loadConfig: () => ({ ok: true, config: harness.config }),
    getContext: harness.routeOptions.getContext,
    defer: harness.routeOptions.defer,
    now: options.now ?? Date.now,
    fetch: (...args) => fetch(...args),
  };
  const routes = createAdminRoutes(dependencies);
  const logInRoute = createAdminLogInRoute(
    dependencies,
    options.createLogin ??
      (() => async () => {
        throw new Error('no login in this test');
      }),
  );

  const formBody = (fields: Record<string, string> = {}) => new URLSearchParams(fields).toString();
  const post: AdminKit['post'] = async (action, postOptions = {}) => {
    const headers = Object.entries({
      'content-type': 'application/x-www-form-urlencoded',
      origin: GATEWAY_ORIGIN,
      'sec-fetch-site': 'same-origin',
      ...(postOptions.cookie ? { cookie: postOptions.cookie } : {}),
      ...postOptions.headers,
    }).filter(([, value]) => value !== '');
    const search = postOptions.query ? `?${new URLSearchParams(postOptions.query).toString()}` : '';
    const request = new Request(`${GATEWAY_ORIGIN}/admin/actions/${action}${search}`, { method: 'POST', headers, body: formBody(postOptions.fields) });
    if (action === 'log-in') return logInRoute(request);
    return routes.action(request, { params: Promise.resolve({ action }) });
  };

  return {
    harness,
    dependencies,
    routes,
    logInRoute,
    async signIn() {
      const response = await routes.signIn(
        new Request(`${GATEWAY_ORIGIN}/admin/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: GATEWAY_ORIGIN, 'sec-fetch-site': 'same-origin' },
          body: formBody({ password: ADMIN_PASSWORD }),
        }),
      );
      const setCookie = response.headers.get('set-cookie');
      if (response.status !== 303 || !setCookie) throw new Error(`sign-in failed: ${response.status}`);
      return setCookie.split(';')[0]!;
    },
    post,
    get(path, cookie) {
      const request = new Request(`${GATEWAY_ORIGIN}/admin/${path}`, { headers: cookie ? { cookie } : {} });
      return path === 'status' ? routes.status(request) : routes.loginScreenshot(request);
    },
    close: () => harness.close(),
  };
}

/** The `?result=` the redirect carries. */
export function resultParam(response: Response): string | undefined {
  const location = response.headers.get('location');
  if (!location) return undefined;
  return new URL(location, GATEWAY_ORIGIN).searchParams.get('result') ?? undefined;
}

/**
 * A compact JWS (`header.payload.signature`) with its JSON payload rewritten by `change` and
 * the original signature kept: a forgery that only the signature check can catch.
 */
export function rewriteJwsPayload(compact: string, change: (payload: Record<string, unknown>) => Record<string, unknown>): string {
  const [header, payload, signature] = compact.split('.') as [string, string, string];
  const changed = change(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>);
  return `${header}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`;
}

/**
 * The same signature bytes spelled differently: base64url's last character of 32 bytes
 * carries 2 unused bits, so setting the lowest one keeps the bytes (A↔B, E↔F, …).
 */
export function respellLastCharacter(compact: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const index = alphabet.indexOf(compact.at(-1)!);
  return compact.slice(0, -1) + alphabet[index ^ 1];
}
