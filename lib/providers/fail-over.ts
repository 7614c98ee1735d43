import { describeErrorForLog, GatewayError, isGatewayError } from '@/lib/errors/gateway-error';
import { logEvent } from '@/lib/log/log-event';
import type { ChatProvider } from './chat-provider';

/**
 * Statuses that are the request's own fault: another endpoint would refuse it too, so they
 * end the attempts. Everything else (5xx, 429, an endpoint's own 401/403/404, a refused
 * connection, a timeout) tries the next endpoint.
 */
const REQUEST_FAULTS = new Set([400, 413, 415, 422]);

export function isRequestFault(error: unknown): boolean {
  return isGatewayError(error) && REQUEST_FAULTS.has(error.status);
}

/**
 * Tries `call` on each endpoint in turn (best first, lib/providers/provider-registry.ts
 * `route`) until one starts. Failover happens only here, before the answer's first byte: a
 * provider's `streamChat` resolves once its upstream stream has started, and what fails after
 * that is the stream's own `error` part, never a switch. Stops at once when the client is gone
 * or the error is the request's fault. `onAttempt` is told each endpoint before its try (the
 * metrics record names the one that answered, or the last that failed).
 *
 * @throws the last endpoint's error.
 */
export async function failOver<T>(
  endpoints: readonly ChatProvider[],
  call: (endpoint: ChatProvider) => Promise<T>,
  options: { signal: AbortSignal; requestId: string; onAttempt?: (endpoint: ChatProvider) => void },
): Promise<T> {
  if (endpoints.length === 0) throw new Error('failOver needs at least one endpoint');
  let lastError: unknown;
  for (const [index, endpoint] of endpoints.entries()) {
    options.onAttempt?.(endpoint);
    try {
      return await call(endpoint);
    } catch (error) {
      lastError = error;
      const next = endpoints[index + 1];
      if (!next || options.signal.aborted || isRequestFault(error)) throw error;
      logEvent('warn', 'failover', { requestId: options.requestId, from: endpoint.id, to: next.id, error: describeErrorForLog(error) });
    }
  }
  throw lastError instanceof Error ? lastError : new GatewayError('No endpoint could serve the request.', { status: 503, type: 'server_error' });
}

/**
 * The endpoints as one ChatProvider for the chat pipeline: `streamChat` fails over between
 * them. The endpoints kept are those that handle tools like the best one (natively or
 * emulated), since the pipeline decides that once, before the first call.
 */
export function failoverProvider(endpoints: readonly ChatProvider[], onAttempt?: (endpoint: ChatProvider) => void): ChatProvider {
  const best = endpoints[0];
  if (!best) throw new Error('failoverProvider needs at least one endpoint');
  if (endpoints.length === 1 && !onAttempt) return best;
  const alike = endpoints.filter(
    (endpoint) => (endpoint.native?.tools ?? false) === (best.native?.tools ?? false) && (endpoint.native?.responseFormat ?? false) === (best.native?.responseFormat ?? false),
  );
  return {
    id: best.id,
    native: best.native,
    emptyAnswerNotice: best.emptyAnswerNotice,
    listModels: () => best.listModels(),
    streamChat: (request, options) =>
      failOver(alike, (endpoint) => endpoint.streamChat(request, options), { signal: options.signal, requestId: options.requestId, onAttempt }),
  };
}
