import type { IncomingMessage, ServerResponse } from 'node:http';
import { answerSimulatorFailure } from '@/simulator/answer-simulator-failure';
import type { Endpoint } from '@/simulator/faults';
import { handleApiRequest } from '@/simulator/handle-api-request';
import { controlPathPrefix, handleControlRequest } from '@/simulator/handle-control-request';
import { faviconPath, handlePortalRequest, isPortalPath, sendNoFavicon } from '@/simulator/handle-portal-request';
import { handleUserInfo, userInfoEndpoint } from '@/simulator/handle-user-info';
import type { SimulatorContext } from '@/simulator/simulator-context';
import type { SimulatorControls } from '@/simulator/simulator-controls';

/** The API's path, under which the endpoints live — docs/xipu-protocol "Hosts and headers". */
export const apiBasePath = '/api/chat';

/** The `sf_request_type` each endpoint is called with — docs/xipu-protocol "Endpoints". */
const requestTypes: Record<Endpoint | typeof userInfoEndpoint, string> = {
  saveSession: 'ajax',
  completions: 'fetch',
  delSession: 'ajax',
  userInfo: 'ajax',
};

/**
 * The main server's request listener: ai-chats.org's `POST /chat/send2/` and its
 * `/__sim/aichats/*` controls (simulator/aichats/), the other `/__sim/*` control routes, the
 * three API endpoints and the chat page's `userInfo` (POST only, 405 otherwise), the login
 * portal's pages (GET `/`, `/sso/callback`, `/v3/chat`; `/favicon.ico` 204), 404 for anything
 * else. The strict profile also 404s an endpoint called without its `sf_request_type` (the
 * default ignores the query).
 */
export function createRequestRouter(
  context: SimulatorContext,
  controls: SimulatorControls,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const arrivedAt = context.now();
    const url = new URL(request.url ?? '/', 'http://simulator.invalid');
    const fail = (error: unknown) => answerSimulatorFailure(response, error);

    // Before the control prefix: ai-chats.org's controls live under /__sim/aichats/.
    if (context.aichats.handles(url.pathname)) {
      context.aichats.handle(request, response, url.pathname).catch(fail);
      return;
    }

    if (url.pathname.startsWith(controlPathPrefix)) {
      handleControlRequest(controls, request, response, url.pathname).catch(fail);
      return;
    }
    if (request.method === 'GET' && url.pathname === faviconPath) {
      sendNoFavicon(response);
      return;
    }
    if (request.method === 'GET' && isPortalPath(url.pathname)) {
      handlePortalRequest(context, request, response, url).catch(fail);
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
    if (endpoint === userInfoEndpoint) handleUserInfo(context, request, response).catch(fail);
    else handleApiRequest(context, request, response, endpoint, arrivedAt).catch(fail);
  };
}

function endpointOf(pathname: string): Endpoint | typeof userInfoEndpoint | undefined {
  const name = pathname.startsWith(`${apiBasePath}/`) ? pathname.slice(apiBasePath.length + 1) : '';
  return name === 'saveSession' || name === 'completions' || name === 'delSession' || name === userInfoEndpoint ? name : undefined;
}

function sendNotFound(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'application/json;charset=UTF-8' });
  response.end(JSON.stringify({ code: 404, msg: 'Not Found' }));
}
