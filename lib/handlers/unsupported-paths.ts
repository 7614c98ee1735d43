import { GatewayError } from '@/lib/errors/gateway-error';
import type { RouteHandler } from '@/lib/http/gateway-route';

/** Any other path under /v1. */
export const unknownPath: RouteHandler = async (request) => {
  throw new GatewayError(
    `Invalid URL (${request.method} ${new URL(request.url).pathname}). This gateway serves GET /v1/models, GET /v1/models/{model}, POST /v1/chat/completions, POST /v1/responses, POST /v1/messages, POST /v1/completions and POST /v1/embeddings.`,
    { status: 404, type: 'invalid_request_error', code: 'unknown_url', retryable: false },
  );
};
