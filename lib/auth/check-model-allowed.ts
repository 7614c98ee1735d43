import { GatewayError } from '@/lib/errors/gateway-error';
import type { ClientIdentity } from './authenticate-client';

/**
 * A managed key's allow-list, checked against the model id the client asked for — before
 * MODEL_ALIASES, so an alias is allowed by its own name — with no store command and before any
 * upstream call.
 * @throws GatewayError 403 `model_not_allowed` (Anthropic's `permission_error` on /v1/messages).
 */
export function checkModelAllowed(client: ClientIdentity, model: string): void {
  const allowed = client.managed?.models;
  if (allowed === undefined || allowed.includes(model)) return;
  throw new GatewayError(`This API key may not use the model '${model}'. It may use: ${allowed.join(', ')}.`, {
    status: 403,
    type: 'permission_error',
    code: 'model_not_allowed',
    param: 'model',
    retryable: false,
  });
}
