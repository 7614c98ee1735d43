import { randomBytes } from 'node:crypto';
import { after } from 'next/server';
import type { ClientIdentity } from '@/lib/auth/authenticate-client';
import { identifyClient } from '@/lib/auth/identify-client';
import type { GatewayContext } from '@/lib/gateway/build-gateway-context';
import { getGatewayContext } from '@/lib/gateway/get-gateway-context';
import { GatewayError, isGatewayError } from '@/lib/errors/gateway-error';
import { logEvent, type LogFields } from '@/lib/log/log-event';
import { errorResponse, toOpenAIError } from '@/lib/api/openai/error-response';
import { corsHeaders } from './cors';

/** What a handler gets besides the request. */
export interface RouteScope {
  context: GatewayContext;
  client: ClientIdentity;
  requestId: string;
  /** Runs a task after the response has closed (Next's `after()`): cleanup, never lost. */
  defer: (task: () => Promise<void>) => void;
  params: Record<string, string | string[] | undefined>;
  /** Fields the handler adds to the request's log line (model, …). */
  logFields: LogFields;
  /**
   * Registers a listener for how this request was answered: called once, after the handler
   * returned or threw, with the status the client gets (and the error's code) — so a failure
   * the wrapper turns into error JSON is seen exactly like a success. A streamed body may
   * still be running then: work that needs its end belongs in `defer`. Listeners must not
   * throw (a throw is logged and ignored).
   */
  onAnswered: (listener: (answer: RouteAnswer) => void) => void;
}

/** How a request was answered, as RouteScope.onAnswered listeners see it. */
export interface RouteAnswer {
  status: number;
  /** The OpenAI error `code` (else its `type`) when the handler failed; never a message. */
  error?: string;
  /** When the answer (status and headers) was ready: epoch ms on the context's clock. */
  at: number;
}

export type RouteHandler = (request: Request, scope: RouteScope) => Promise<Response>;

export interface GatewayRouteOptions {
  /** Checks the client key (default true). */
  authenticate?: boolean;
  /** Test seams; production uses the process context and `after()`. */
  getContext?: () => Promise<GatewayContext>;
  defer?: (task: () => Promise<void>) => void;
  /**
   * The answer when the gateway context cannot be built (a bad configuration, hosted without
   * Upstash); default: the error as OpenAI error JSON. The health route answers `{"status":"down"}`.
   */
  contextErrorResponse?: (error: unknown) => Response;
  /**
   * Renders a failure in the route's API shape, with the error's real status; default:
   * OpenAI error JSON (`errorResponse`). Anthropic's routes answer `{"type":"error",…}`.
   */
  renderError?: (error: unknown) => Response;
}

type NextRouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

/**
 * Turns a handler into a Next route handler with what every route needs: a request id
 * (header and log line), configuration checks (503 naming the variable), client
 * authentication (API_KEYS or a managed key: lib/auth/identify-client.ts), CORS on every response, and one error policy — any failure becomes
 * error JSON (OpenAI's unless `renderError` says otherwise) with its real status, never a bare 500.
 */
export function gatewayRoute(handler: RouteHandler, options: GatewayRouteOptions = {}) {
  return async (request: Request, routeContext?: NextRouteContext): Promise<Response> => {
    const requestId = `req_${randomBytes(12).toString('hex')}`;
    const startedAt = Date.now();
    const logFields: LogFields = {};
    let client: ClientIdentity | undefined;
    let context: GatewayContext | undefined;
    const answerListeners: Array<(answer: RouteAnswer) => void> = [];
    let failureCode: string | undefined;
    let response: Response;
    try {
      context = await (options.getContext ?? getGatewayContext)();
      client = options.authenticate === false ? { name: '-', id: '-' } : await identifyClient(request.headers, context.config, context.store, context.now());
      if (client.id === 'anonymous') warnAnonymousOnce();
      response = await handler(request, {
        context,
        client,
        requestId,
        defer: options.defer ?? ((task) => after(task)),
        params: (await routeContext?.params) ?? {},
        logFields,
        onAnswered: (listener) => void answerListeners.push(listener),
      });
    } catch (caught) {
      const error = request.signal.aborted ? clientClosed() : caught;
      if (!isGatewayError(error)) {
        logEvent('error', 'unexpected_error', { requestId, error: error instanceof Error ? error.stack ?? error.message : String(error) });
      }
      response = !context && options.contextErrorResponse ? options.contextErrorResponse(error) : (options.renderError ?? errorResponse)(error);
      if (isGatewayError(error)) logFields.error = error.code ?? error.type;
      const clientError = toOpenAIError(error);
      failureCode = clientError.code ?? clientError.type;
    }
    if (context && answerListeners.length > 0) {
      const answer: RouteAnswer = { status: response.status, at: context.now(), ...(failureCode === undefined ? {} : { error: failureCode }) };
      for (const listener of answerListeners) {
        try {
          listener(answer);
        } catch (error) {
          logEvent('warn', 'answer_listener_failed', { requestId, error: error instanceof Error ? error.message : String(error) });
        }
      }
    }
    for (const [name, value] of Object.entries(corsHeaders(request))) response.headers.set(name, value);
    response.headers.set('x-request-id', requestId);
    logEvent(response.status >= 500 ? 'error' : 'info', 'request', {
      requestId,
      method: request.method,
      path: new URL(request.url).pathname,
      status: response.status,
      client: client?.name,
      headersMs: Date.now() - startedAt,
      ...logFields,
    });
    return response;
  };
}

/** nginx's 499: nobody reads this answer, but the log line says what happened. */
function clientClosed(): GatewayError {
  return new GatewayError('The client closed the request.', { status: 499, type: 'invalid_request_error', code: 'client_closed_request', retryable: false });
}

const WARNED = Symbol.for('xipu-gateway.anonymous-warned');
function warnAnonymousOnce(): void {
  const holder = globalThis as { [WARNED]?: boolean };
  if (holder[WARNED]) return;
  holder[WARNED] = true;
  logEvent('warn', 'no_api_keys', {
    message: 'API_KEYS is not set: anyone who can reach this server can use the XIPU account. Set API_KEYS before exposing it.',
  });
}
