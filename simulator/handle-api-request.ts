import type { IncomingMessage, ServerResponse } from 'node:http';
import { createCallExchange, type CallExchange } from '@/simulator/call-exchange';
import type { Endpoint, QueuedFault } from '@/simulator/faults';
import { handleCompletions } from '@/simulator/handle-completions';
import { handleDelSession } from '@/simulator/handle-del-session';
import { handleSaveSession } from '@/simulator/handle-save-session';
import { judgeCredentials } from '@/simulator/judge-credentials';
import { readJsonBody } from '@/simulator/read-json-body';
import { readSingleHeader } from '@/simulator/read-single-header';
import type { SimulatorContext } from '@/simulator/simulator-context';
import { upstreamMessages } from '@/simulator/upstream-messages';

/**
 * One call to a XIPU API endpoint, in the order the real service is assumed to judge it:
 * the credentials are read (to learn the account), the frequency limit judges the arrival
 * (every arrival of a known account counts, rejected ones too), then credentials are
 * enforced, then an injected status/refuse fault may answer, then the endpoint runs.
 *
 * Credential answers: see `judgeCredentials`. A call the frequency limit and the credentials
 * let through counts as a use of its sdp-app-session (for the `sdpSessionIdleMs` profile),
 * whatever the endpoint then answers: a service checks its session before the business logic.
 *
 * @param arrivedAt when the request arrived, epoch ms.
 */
export async function handleApiRequest(
  context: SimulatorContext,
  request: IncomingMessage,
  response: ServerResponse,
  endpoint: Endpoint,
  arrivedAt: number,
): Promise<void> {
  context.counters.calls[endpoint] += 1;
  const sdpSession = readSingleHeader(request, 'sdp-app-session');
  const credentials = context.credentials.check({ jmToken: readSingleHeader(request, 'jm-token'), sdpSession });

  let exchange: CallExchange;
  if (credentials.account !== null) {
    const decision = context.pacer.arrive(credentials.account, arrivedAt);
    exchange = createCallExchange(context, response, endpoint, decision.call);
    if (!decision.allowed) {
      exchange.sendJson(429, { code: 429, msg: decision.message });
      return;
    }
  } else {
    exchange = createCallExchange(context, response, endpoint, null);
  }

  const verdict = judgeCredentials(credentials, context.settings.profile);
  if (!verdict.accepted) {
    exchange.sendJson(verdict.status, verdict.body);
    return;
  }
  const account = verdict.account;
  if (sdpSession !== undefined) context.credentials.recordUse(sdpSession);

  const fault = context.faults.take(endpoint, ['status', 'refuse']);
  if (fault !== undefined) {
    answerFault(exchange, fault);
    return;
  }

  const body = await readJsonBody(request);
  if (!body.ok) {
    exchange.sendJson(200, { code: 1, msg: upstreamMessages.invalidBody });
    return;
  }
  if (endpoint === 'saveSession') handleSaveSession(context, exchange, account, body.value);
  else if (endpoint === 'delSession') handleDelSession(context, exchange, account, body.value);
  else await handleCompletions(context, exchange, account, body.value);
}

/** Answers an injected status or refuse fault. */
function answerFault(exchange: CallExchange, fault: Extract<QueuedFault, { kind: 'status' | 'refuse' }>): void {
  if (fault.kind === 'refuse') {
    exchange.sendJson(200, { code: 1, msg: fault.msg });
    return;
  }
  if (fault.body !== undefined) {
    exchange.sendRaw(fault.status, fault.body);
    return;
  }
  exchange.sendJson(fault.status, { code: fault.status, msg: defaultFaultMessage(fault.status) });
}

/** What XIPU says with each status, as far as known — docs/xipu-protocol "Common errors". */
function defaultFaultMessage(status: number): string {
  if (status === 429) return upstreamMessages.tooFast;
  if (status === 403) return upstreamMessages.tokenExpired;
  if (status === 500) return upstreamMessages.tokenError;
  return 'error';
}
