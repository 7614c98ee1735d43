import type { IncomingMessage, ServerResponse } from 'node:http';
import { logEvent } from '@/lib/log/log-event';
import type { Endpoint } from '@/lib/simulator/faults';
import { handleApiRequest } from '@/lib/simulator/handle-api-request';
import { controlPathPrefix, handleControlRequest } from '@/lib/simulator/handle-control-request';
import type { SimulatorContext } from '@/lib/simulator/simulator-context';
import type { SimulatorControls } from '@/lib/simulator/simulator-controls';

/** The API's path, under which the endpoints live — docs/xipu-protocol "Hosts and headers". */
export const apiBasePath = '/api/chat';

/** The `sf_request_type` each endpoint is called with — docs/xipu-protocol "Endpoints". */
const requestTypes: Record<Endpoint, string> = { saveSession: 'ajax', completions: 'fetch', delSession: 'ajax' };

/**
 * The simulator's request listener: `/__sim/*` control routes, the three API endpoints
 * (POST only, 405 otherwise), 404 for anything else. The strict profile also 404s an
 * endpoint called without its `sf_request_type` (the default profile ignores the query).
 */
export function createRequestRouter(
  context: SimulatorContext,
  controls: SimulatorControls,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const arrivedAt = context.now();
    const url = new URL(request.url ?? '/', 'http://simulator.invalid');
    const fail = (error: unknown) => answerFailure(response, error);

    if (url.pathname.startsWith(controlPathPrefix)) {
      handleControlRequest(controls, request, response, url.pathname).catch(fail);
      return;
    }
    const endpoint = endpointOf(url.pathname);
    if (endpoint === undefined) {
      sendNotFound(response);
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST', 'content-type': 'application/json;charset=UTF-8' });
      response.end(JSON.stringify({ code: 405, msg: 'Method Not Allowed' }));
      return;
    }
    if (context.settings.profile === 'strict' && url.searchParams.get('sf_request_type') !== requestTypes[endpoint]) {
      sendNotFound(response);
      return;
    }
    handleApiRequest(context, request, response, endpoint, arrivedAt).catch(fail);
  };
}

function endpointOf(pathname: string): Endpoint | undefined {
  const name = pathname.startsWith(`${apiBasePath}/`) ? pathname.slice(apiBasePath.length + 1) : '';
  return name === 'saveSession' || name === 'completions' || name === 'delSession' ? name : undefined;
}

function sendNotFound(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'application/json;charset=UTF-8' });
  response.end(JSON.stringify({ code: 404, msg: 'Not Found' }));
}

/** A bug in the simulator itself: say so loudly rather than imitate an upstream answer. */
function answerFailure(response: ServerResponse, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  logEvent('error', 'simulator.failure', { message });
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(500, { 'content-type': 'application/json;charset=UTF-8' });
  response.end(JSON.stringify({ code: 500, msg: `simulator failure: ${message}` }));
}
