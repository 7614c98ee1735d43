import { GatewayError } from '@/lib/errors/gateway-error';
import type { RouteHandler } from '@/lib/http/gateway-route';

/** /v1/responses: clients auto-routed there must be told to switch (docs/client-compat.md §22). */
export const responsesNotSupported: RouteHandler = async () => {
  throw new GatewayError(
    'This gateway serves the Chat Completions API (/v1/chat/completions), not the Responses API (/v1/responses). In your client, choose the "OpenAI-compatible" (Chat Completions) provider type instead of "OpenAI Responses"; with the Vercel AI SDK use createOpenAI(...).chat(model) or @ai-sdk/openai-compatible; in Continue set useResponsesApi: false.',
    { status: 404, type: 'invalid_request_error', code: 'responses_api_not_supported', retryable: false },
  );
};

/** Any other path under /v1. */
export const unknownPath: RouteHandler = async (request) => {
  throw new GatewayError(
    `Invalid URL (${request.method} ${new URL(request.url).pathname}). This gateway serves GET /v1/models, GET /v1/models/{model} and POST /v1/chat/completions.`,
    { status: 404, type: 'invalid_request_error', code: 'unknown_url', retryable: false },
  );
};
