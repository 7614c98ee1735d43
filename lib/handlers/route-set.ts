import { GatewayError } from '@/lib/errors/gateway-error';
import { preflightResponse } from '@/lib/http/cors';
import { gatewayRoute, type GatewayRouteOptions, type RouteHandler } from '@/lib/http/gateway-route';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

/**
 * Every HTTP method of one path: the given handlers, `OPTIONS` for CORS preflight, and a
 * 405 error (OpenAI's, or the set's `renderError`) for the rest — Next's own 405 has no body and no CORS.
 */
export function routeSet(handlers: Partial<Record<Method, RouteHandler>>, options: GatewayRouteOptions = {}) {
  const allowed = Object.keys(handlers);
  const notAllowed: RouteHandler = async (request) => {
    throw new GatewayError(`Method ${request.method} is not allowed here; use ${allowed.join(' or ')}.`, {
      status: 405,
      type: 'invalid_request_error',
      code: 'method_not_allowed',
      retryable: false,
    });
  };
  const route = (method: Method) => {
    const handler = handlers[method];
    return handler ? gatewayRoute(handler, options) : gatewayRoute(notAllowed, { ...options, authenticate: false });
  };
  return {
    GET: route('GET'),
    POST: route('POST'),
    PUT: route('PUT'),
    PATCH: route('PATCH'),
    DELETE: route('DELETE'),
    OPTIONS: async (request: Request) => preflightResponse(request),
  };
}
