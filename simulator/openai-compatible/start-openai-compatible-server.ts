import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type OpenAiCompatibleFault = 'status-500' | 'status-429' | 'refuse' | 'slow-first-byte' | 'drop-mid-stream';

export interface OpenAiCompatibleServerOptions {
  models: string[];
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Before a stream's first piece (and a non-streamed answer). Default 0. */
  firstTokenDelayMs?: number;
  /** Between the pieces of a stream. Default 0. */
  chunkDelayMs?: number;
  /** Pieces of the reply text. Default 4. */
  chunks?: number;
  /** How long `slow-first-byte` holds the headers back. Default 10 s. */
  slowMs?: number;
}

export interface OpenAiCompatibleServer {
  /** Ends in `/v1`, as an UPSTREAMS `baseUrl` does. */
  url: string;
  /** Every JSON body received, in order, with its path. */
  requests: Array<{ path: string; body: Record<string, unknown>; authorization?: string }>;
  counters: { models: number; chat: number; embeddings: number; refused: number };
  setFault(fault: OpenAiCompatibleFault | undefined): void;
  close(): Promise<void>;
}

interface ChatBody {
  model?: string;
  stream?: boolean;
  messages?: Array<{ role?: string; content?: unknown }>;
  tools?: Array<{ function?: { name?: string } }>;
  tool_choice?: unknown;
  response_format?: { type?: string };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fake OpenAI-compatible upstream on a free loopback port (README.md). */
export async function startOpenAiCompatibleServer(options: OpenAiCompatibleServerOptions): Promise<OpenAiCompatibleServer> {
  let fault: OpenAiCompatibleFault | undefined;
  const sockets = new Set<Socket>();
  const requests: OpenAiCompatibleServer['requests'] = [];
  const counters = { models: 0, chat: 0, embeddings: 0, refused: 0 };
  const chunks = Math.max(1, options.chunks ?? 4);

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.headersSent) sendError(response, 500, 'server_error', 'fake server failed');
      else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    if (fault === 'refuse') {
      counters.refused += 1;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (fault === 'refuse') {
      // A kept-alive connection from before the fault: refused as well.
      counters.refused += 1;
      request.socket.destroy();
      return;
    }
    const path = (request.url ?? '/').split('?')[0]!;
    const raw = await readBody(request);
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendError(response, 401, 'authentication_error', 'Incorrect API key provided.', 'invalid_api_key');
      return;
    }
    if (request.method === 'GET' && path === '/v1/models') {
      counters.models += 1;
      if (await answeredFault(response)) return;
      sendJson(response, 200, { object: 'list', data: options.models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) });
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      sendError(response, 400, 'invalid_request_error', 'We could not parse the JSON body of your request.');
      return;
    }
    if (request.method === 'POST' && (path === '/v1/chat/completions' || path === '/v1/embeddings')) {
      requests.push({ path, body, authorization: request.headers.authorization });
    }
    if (request.method === 'POST' && path === '/v1/chat/completions') {
      counters.chat += 1;
      if (await answeredFault(response)) return;
      await answerChat(body as ChatBody, response);
      return;
    }
    if (request.method === 'POST' && path === '/v1/embeddings') {
      counters.embeddings += 1;
      if (await answeredFault(response)) return;
      const input = body.input;
      const inputs = typeof input === 'string' ? [input] : Array.isArray(input) ? input : [];
      sendJson(response, 200, {
        object: 'list',
        model: body.model,
        data: inputs.map((item, index) => ({ object: 'embedding', index, embedding: [String(item).length, index, 0.5] })),
        usage: { prompt_tokens: inputs.length * 3, total_tokens: inputs.length * 3 },
      });
      return;
    }
    sendError(response, 404, 'invalid_request_error', `Unknown path ${path}.`);
  }

  /** Answers with the fault when one is set: true when it did. */
  async function answeredFault(response: ServerResponse): Promise<boolean> {
    if (fault === 'status-500') {
      sendError(response, 500, 'server_error', 'The server had an error while processing your request.');
      return true;
    }
    if (fault === 'status-429') {
      response.setHeader('retry-after', '2');
      sendError(response, 429, 'rate_limit_error', 'Rate limit reached.', 'rate_limit_exceeded');
      return true;
    }
    if (fault === 'slow-first-byte') await sleep(options.slowMs ?? 10_000);
    return false;
  }

  async function answerChat(body: ChatBody, response: ServerResponse): Promise<void> {
    const model = body.model ?? options.models[0] ?? 'fake';
    const lastUser = [...(body.messages ?? [])].reverse().find((message) => message.role === 'user');
    const said = typeof lastUser?.content === 'string' ? lastUser.content : JSON.stringify(lastUser?.content ?? '');
    const forced = body.tools && body.tools.length > 0 && body.tool_choice !== undefined && body.tool_choice !== 'auto' && body.tool_choice !== 'none';
    const chosen =
      typeof body.tool_choice === 'object' && body.tool_choice !== null
        ? (body.tool_choice as { function?: { name?: string } }).function?.name
        : undefined;
    const toolName = forced ? (chosen ?? body.tools![0]!.function?.name ?? 'tool') : undefined;
    const text = body.response_format?.type?.startsWith('json') ? JSON.stringify({ echo: said }) : `Echo: ${said}`;
    const pieces = Array.from({ length: chunks }, (_, index) => text.slice(Math.floor((index * text.length) / chunks), Math.floor(((index + 1) * text.length) / chunks)));
    const usage = { prompt_tokens: said.length, completion_tokens: text.length, total_tokens: said.length + text.length };
    const base = { id: 'chatcmpl-fake', created: 0, model };
    await sleep(options.firstTokenDelayMs ?? 0);
    if (!body.stream) {
      const message = toolName
        ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_fake0', type: 'function', function: { name: toolName, arguments: '{}' } }] }
        : { role: 'assistant', content: text };
      sendJson(response, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: toolName ? 'tool_calls' : 'stop' }], usage });
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (chunk: Record<string, unknown>) => response.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', ...chunk })}\n\n`);
    if (toolName) {
      send({ choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [{ index: 0, id: 'call_fake0', type: 'function', function: { name: toolName, arguments: '' } }] }, finish_reason: null }] });
      send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{}' } }] }, finish_reason: null }] });
      send({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
    } else {
      for (const [index, piece] of pieces.entries()) {
        if (index > 0) await sleep(options.chunkDelayMs ?? 0);
        if (fault === 'drop-mid-stream' && index === 2) {
          response.destroy();
          return;
        }
        if (response.destroyed) return;
        send({ choices: [{ index: 0, delta: index === 0 ? { role: 'assistant', content: piece } : { content: piece }, finish_reason: null }] });
      }
      send({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    }
    send({ choices: [], usage });
    response.end('data: [DONE]\n\n');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    counters,
    setFault(next) {
      fault = next;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, status: number, type: string, message: string, code: string | null = null): void {
  sendJson(response, status, { error: { message, type, param: null, code } });
}
