import OpenAI from 'openai';

/** A route handler as the route sets export them. */
type Handler = (request: Request) => Promise<Response>;

/**
 * The real openai-node SDK with its requests handed to the gateway's route handlers
 * in-process: `routes` maps a path (`/v1/chat/completions`) to its handler; any other path
 * answers 599, so a test notices a call it did not route. No retries: each call is one request.
 */
export function createInProcessOpenAi(routes: Record<string, Handler>): OpenAI {
  return new OpenAI({
    baseURL: 'http://gateway.test/v1',
    apiKey: 'unused-locally',
    maxRetries: 0,
    fetch: async (url: string | URL | Request, init?: RequestInit) => {
      const request = new Request(url, init);
      const handler = routes[new URL(request.url).pathname];
      return handler ? handler(request) : new Response('not routed in this test', { status: 599 });
    },
  });
}
