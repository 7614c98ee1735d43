import { GatewayError } from '@/lib/errors/gateway-error';

/**
 * The error reported when a provider stream ends with neither a `finish` nor an `error` part.
 * Never turned into an empty success (docs/client-compat §23). Every API shape's encoder and
 * collector reports it in its own error form, so it lives with the pipeline, in no wire format.
 */
export function incompleteStreamError(): GatewayError {
  return new GatewayError('The upstream stream ended without a finish.', {
    status: 502,
    type: 'server_error',
    code: 'incomplete_stream',
  });
}
