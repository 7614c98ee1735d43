import type { IncomingMessage, ServerResponse } from 'node:http';
import { judgeCredentials } from '@/simulator/judge-credentials';
import { readJsonBody } from '@/simulator/read-json-body';
import { readSingleHeader } from '@/simulator/read-single-header';
import type { SimulatorContext } from '@/simulator/simulator-context';
import { upstreamMessages } from '@/simulator/upstream-messages';

/** The path under the API base; the chat page calls it with `sf_request_type=ajax`. */
export const userInfoEndpoint = 'userInfo';

/**
 * `userInfo`: the call the chat page makes with the login's fresh credentials (the one the
 * browser login intercepts). Credentials are judged like the other endpoints' (`judgeCredentials`)
 * and a success counts as a use of the sdp-app-session; the answer is
 * `{"code":0,"msg":"success","data":{"name":<account>}}`.
 *
 * Exempt from the frequency limit, and counted apart (`portal.userInfoCalls`, not `calls` or
 * `statusCounts`): it is the page's own call, which the gateway never makes or paces, and
 * exempting it keeps login tests independent of the pacing under test elsewhere.
 */
export async function handleUserInfo(context: SimulatorContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  context.counters.portal.userInfoCalls += 1;
  const sdpSession = readSingleHeader(request, 'sdp-app-session');
  const check = context.credentials.check({ jmToken: readSingleHeader(request, 'jm-token'), sdpSession });
  const verdict = judgeCredentials(check, context.settings.profile);
  // The body ('{}') carries nothing; it is read so the connection can be reused.
  await readJsonBody(request);
  if (!verdict.accepted) {
    sendJson(response, verdict.status, verdict.body);
    return;
  }
  if (sdpSession !== undefined) context.credentials.recordUse(sdpSession);
  sendJson(response, 200, { code: 0, msg: upstreamMessages.success, data: { name: verdict.account } });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
