import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '@/lib/config/env';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { GatewayContext } from '@/lib/gateway/build-gateway-context';
import { gatewayRoute, type GatewayRouteOptions, type RouteAnswer, type RouteHandler, type RouteScope } from '@/lib/http/gateway-route';

/**
 * gatewayRoute() on its own: a handler wrapped with a context built from a parsed
 * configuration (nothing else of the context is used by these handlers), no server, no build.
 */

const API_KEY = 'sk-route-test-0123456789';
const AT = Date.UTC(2025, 4, 1, 12, 0, 0);

function testContext(): GatewayContext {
  const parsed = parseConfig({ API_KEYS: `tester:${API_KEY}` });
  if (!parsed.ok) throw new Error(parsed.problem.message);
  // Only `config` and `now` are read by the wrapper itself.
  return { config: parsed.config, now: () => AT } as unknown as GatewayContext;
}

function route(handler: RouteHandler, options: GatewayRouteOptions = {}) {
  return gatewayRoute(handler, { getContext: async () => testContext(), defer: () => undefined, ...options });
}

function chatRequest(init: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Request {
  return new Request('http://gateway.test/v1/chat/completions', {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, origin: 'https://chat.example', ...init.headers },
    body: '{}',
    signal: init.signal,
  });
}

function expectCors(response: Response): void {
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
  expect(response.headers.get('access-control-expose-headers')).toContain('retry-after');
}

const CONFIG_CACHE = Symbol.for('xipu-gateway.config');
afterEach(() => {
  vi.unstubAllEnvs();
  delete (globalThis as Record<symbol, unknown>)[CONFIG_CACHE];
});

describe('gatewayRoute: every answer', () => {
  it('carries a fresh x-request-id (the one the handler saw) and CORS', async () => {
    const seen: string[] = [];
    const handler = route(async (_request, scope) => {
      seen.push(scope.requestId);
      return Response.json({ ok: true });
    });
    const first = await handler(chatRequest());
    const second = await handler(chatRequest());
    expect(first.status).toBe(200);
    expect(first.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{24}$/);
    expect(seen).toEqual([first.headers.get('x-request-id'), second.headers.get('x-request-id')]);
    expect(seen[0]).not.toBe(seen[1]);
    expectCors(first);
  });

  it('hands the handler the client, the route params and the defer seam', async () => {
    let scope: RouteScope | undefined;
    const defer = vi.fn();
    const handler = route(async (_request, given) => {
      scope = given;
      given.defer(async () => undefined);
      return new Response('ok');
    }, { defer });
    await handler(chatRequest(), { params: Promise.resolve({ model: 'gpt-4.1' }) });
    expect(scope?.client.name).toBe('tester');
    expect(scope?.params).toEqual({ model: 'gpt-4.1' });
    expect(defer).toHaveBeenCalledTimes(1);
  });
});

describe('gatewayRoute: errors', () => {
  it('a thrown non-GatewayError becomes a 500 OpenAI error JSON: generic message, no stack, no detail', async () => {
    const handler = route(async () => {
      throw new Error('database password is hunter2 at /srv/app/lib/secret.ts:12');
    });
    const response = await handler(chatRequest());
    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toContain('application/json');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { message: 'Internal error', type: 'server_error', param: null, code: 'internal_error' } });
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('secret.ts');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    expectCors(response);
  });

  it('a GatewayError keeps its status, code and Retry-After, with CORS', async () => {
    const handler = route(async () => {
      throw new GatewayError('Wait your turn.', { status: 429, type: 'rate_limit_error', code: 'upstream_busy', retryAfterSeconds: 7, retryable: true });
    });
    const response = await handler(chatRequest());
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('x-should-retry')).toBe('true');
    expect(await response.json()).toEqual({ error: { message: 'Wait your turn.', type: 'rate_limit_error', param: null, code: 'upstream_busy' } });
    expectCors(response);
  });

  it('a missing client key is a 401 OpenAI error, with CORS, and the handler never runs', async () => {
    const handler = vi.fn<RouteHandler>(async () => new Response('ok'));
    const response = await route(handler)(chatRequest({ headers: { authorization: '' } }));
    expect(response.status).toBe(401);
    expect((await response.json()).error.type).toBe('authentication_error');
    expect(handler).not.toHaveBeenCalled();
    expectCors(response);
  });

  it('a configuration problem (the real getGatewayContext) is a 503 naming the variable, with CORS', async () => {
    vi.stubEnv('UPSTREAM_MIN_GAP_MS', 'soon');
    delete (globalThis as Record<symbol, unknown>)[CONFIG_CACHE];
    const handler = vi.fn<RouteHandler>(async () => new Response('ok'));
    const response = await gatewayRoute(handler, { defer: () => undefined })(chatRequest());
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body.error).toMatchObject({ type: 'server_error', code: 'invalid_configuration', param: 'UPSTREAM_MIN_GAP_MS' });
    expect(body.error.message).toContain('UPSTREAM_MIN_GAP_MS');
    expect(handler).not.toHaveBeenCalled();
    expectCors(response);
  });

  it('a failure after the client went away is logged as 499 client_closed_request', async () => {
    const controller = new AbortController();
    const handler = route(async () => {
      controller.abort();
      throw new Error('aborted');
    });
    const response = await handler(chatRequest({ signal: controller.signal }));
    expect(response.status).toBe(499);
    expect((await response.json()).error.code).toBe('client_closed_request');
  });
});

describe('gatewayRoute: onAnswered listeners', () => {
  it('hear the status once, after the handler returned', async () => {
    const answers: RouteAnswer[] = [];
    const response = await route(async (_request, scope) => {
      scope.onAnswered((answer) => answers.push(answer));
      expect(answers).toEqual([]);
      return new Response('ok', { status: 201 });
    })(chatRequest());
    expect(response.status).toBe(201);
    expect(answers).toEqual([{ status: 201, at: AT }]);
  });

  it('hear a failure the wrapper turned into error JSON, with its code (internal_error for a non-GatewayError)', async () => {
    const answers: RouteAnswer[] = [];
    await route(async (_request, scope) => {
      scope.onAnswered((answer) => answers.push(answer));
      throw new GatewayError('busy', { status: 503, type: 'upstream_error', code: 'upstream_start_timeout', retryAfterSeconds: 30 });
    })(chatRequest());
    await route(async (_request, scope) => {
      scope.onAnswered((answer) => answers.push(answer));
      throw new TypeError('undefined is not a function');
    })(chatRequest());
    expect(answers).toEqual([
      { status: 503, error: 'upstream_start_timeout', at: AT },
      { status: 500, error: 'internal_error', at: AT },
    ]);
  });

  it('a listener that throws is ignored: the others still hear, the answer is unchanged', async () => {
    const heard: number[] = [];
    const response = await route(async (_request, scope) => {
      scope.onAnswered(() => {
        throw new Error('listener bug');
      });
      scope.onAnswered((answer) => heard.push(answer.status));
      return new Response('ok');
    })(chatRequest());
    expect(response.status).toBe(200);
    expect(heard).toEqual([200]);
  });
});

describe('gatewayRoute: renderError', () => {
  it('renders a failure with the route set’s renderer, keeping the status, CORS and request id; the default stays OpenAI JSON', async () => {
    const failing: RouteHandler = async () => {
      throw new GatewayError('No such thing.', { status: 404, type: 'not_found_error', code: 'x', retryable: false });
    };
    const custom = await route(failing, { renderError: (error) => Response.json({ rendered: (error as Error).message }, { status: 418 }) })(chatRequest());
    expect(custom.status).toBe(418);
    expect(await custom.json()).toEqual({ rendered: 'No such thing.' });
    expect(custom.headers.get('x-request-id')).toMatch(/^req_/);
    expectCors(custom);
    const plain = await route(failing)(chatRequest());
    expect(plain.status).toBe(404);
    expect((await plain.json()).error.code).toBe('x');
  });

  it('renders an authentication failure with it too', async () => {
    const response = await route(async () => Response.json({}), { renderError: () => new Response('custom', { status: 401 }) })(
      chatRequest({ headers: { authorization: 'Bearer wrong-key-123' } }),
    );
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('custom');
  });
});
