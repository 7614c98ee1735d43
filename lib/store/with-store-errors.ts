import { GatewayError, isGatewayError } from '@/lib/errors/gateway-error';
import type { Store } from './store';

/**
 * A store whose failures (Upstash unreachable, a timeout) reach clients as what they are: a
 * 503 worth retrying in a moment — not a bare 500 that tells clients not to retry.
 */
export function withStoreErrors(store: Store): Store {
  const wrapped: Record<string, unknown> = { backend: store.backend };
  for (const name of Object.keys(store) as Array<keyof Store>) {
    const member = store[name];
    if (typeof member !== 'function') continue;
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await (member as (...parameters: unknown[]) => Promise<unknown>).apply(store, args);
      } catch (error) {
        throw isGatewayError(error) ? error : storeUnavailable(error);
      }
    };
  }
  return wrapped as unknown as Store;
}

function storeUnavailable(cause: unknown): GatewayError {
  return new GatewayError('The gateway\'s shared store (Upstash Redis) did not answer; try again in a moment.', {
    status: 503,
    type: 'server_error',
    code: 'store_unavailable',
    retryAfterSeconds: 2,
    retryable: true,
    cause,
  });
}
