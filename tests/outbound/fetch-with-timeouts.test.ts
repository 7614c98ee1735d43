import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchWithTimeouts } from '@/lib/outbound/fetch-with-timeouts';
import { rejection } from '../support/rejection';

/**
 * fetchWithTimeouts against a local node:http server that stalls on purpose: before its
 * headers, between two body chunks, or until the caller gives up. Each case also checks that
 * the connection was really closed (the server sees its response close early).
 */

interface StallingServer {
  url: string;
  /** Resolves when the server sees the current response closed before it ended it. */
  closedEarly: Promise<void>;
  requests: number;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function startServer(handle: (request: IncomingMessage, response: ServerResponse) => void): Promise<StallingServer> {
  let markClosed: () => void = () => undefined;
  const state: StallingServer = { url: '', closedEarly: new Promise<void>((resolve) => (markClosed = resolve)), requests: 0 };
  server = createServer((request, response) => {
    state.requests += 1;
    response.on('close', () => {
      if (!response.writableEnded) markClosed();
    });
    handle(request, response);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/stream`;
  return state;
}

const OPTIONS = { firstByteTimeoutMs: 150, idleTimeoutMs: 150, upstreamName: 'Test upstream' };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


describe('fetchWithTimeouts: first byte', () => {
  it('no headers within firstByteTimeoutMs: 504 upstream_timeout naming the upstream, the connection closed', async () => {
    const upstream = await startServer(() => undefined); // never answers
    const startedAt = Date.now();
    const error = await rejection(fetchWithTimeouts(upstream.url, {}, OPTIONS));
    const elapsed = Date.now() - startedAt;
    expect(error).toMatchObject({ status: 504, code: 'upstream_timeout', retryable: true });
    expect((error as Error).message).toContain('Test upstream did not answer within 150 ms');
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1_500);
    await upstream.closedEarly;
  });

  it('headers in time: the answer is handed over, the first-byte timer no longer matters', async () => {
    const upstream = await startServer((_request, response) => {
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('a');
        setTimeout(() => response.end('b'), 100);
      }, 50);
    });
    const { response } = await fetchWithTimeouts(upstream.url, {}, { ...OPTIONS, firstByteTimeoutMs: 120 });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ab'); // done at about 150 ms, past the first-byte limit
  });
});

describe('fetchWithTimeouts: idle time between chunks', () => {
  it('a chunk, then silence longer than idleTimeoutMs: the body errors with 504, the connection closed', async () => {
    const upstream = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: first\n\n'); // then stalls
    });
    const { response } = await fetchWithTimeouts(upstream.url, {}, OPTIONS);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: first\n\n');
    const startedAt = Date.now();
    const error = await rejection(reader.read());
    expect(error).toMatchObject({ status: 504, code: 'upstream_timeout' });
    expect((error as Error).message).toContain('Test upstream sent nothing for 150 ms');
    const elapsed = Date.now() - startedAt;
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1_500);
    await upstream.closedEarly;
  });

  it('is not a total: chunks closer than idleTimeoutMs may take far longer altogether', async () => {
    const upstream = await startServer(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      for (let piece = 0; piece < 6; piece += 1) {
        response.write(String(piece));
        await pause(80);
      }
      response.end();
    });
    const { response } = await fetchWithTimeouts(upstream.url, {}, OPTIONS);
    expect(await response.text()).toBe('012345'); // about 480 ms, 80 ms apart
  });
});

describe('fetchWithTimeouts: the caller gives up', () => {
  it('abort before the headers: rejects with the signal’s reason, the connection closed', async () => {
    const upstream = await startServer(() => undefined);
    const controller = new AbortController();
    const reason = new Error('client went away');
    setTimeout(() => controller.abort(reason), 30);
    const error = await rejection(fetchWithTimeouts(upstream.url, {}, { ...OPTIONS, firstByteTimeoutMs: 5_000, signal: controller.signal }));
    expect(error).toBe(reason);
    await upstream.closedEarly;
  });

  it('abort mid-body: the body errors with the reason, the connection closed', async () => {
    const upstream = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
    });
    const controller = new AbortController();
    const { response } = await fetchWithTimeouts(upstream.url, {}, { ...OPTIONS, idleTimeoutMs: 5_000, signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    const reason = new Error('client went away mid-answer');
    controller.abort(reason);
    expect(await rejection(reader.read())).toBe(reason);
    await upstream.closedEarly;
  });

  it('a signal aborted already: rejects at once, nothing sent', async () => {
    const upstream = await startServer((_request, response) => response.end('never'));
    const reason = new Error('gone before the call');
    const error = await rejection(fetchWithTimeouts(upstream.url, {}, { ...OPTIONS, signal: AbortSignal.abort(reason) }));
    expect(error).toBe(reason);
    await pause(20);
    expect(upstream.requests).toBe(0);
  });

  it('abort() returned with the answer closes the connection', async () => {
    const upstream = await startServer((_request, response) => {
      response.writeHead(200);
      response.write('x');
    });
    const { response, abort } = await fetchWithTimeouts(upstream.url, {}, { ...OPTIONS, idleTimeoutMs: 5_000 });
    await response.body!.getReader().read();
    abort(new Error('done with it'));
    await upstream.closedEarly;
  });
});

describe('fetchWithTimeouts: no upstream', () => {
  it('a refused connection is a 502 upstream_unreachable', async () => {
    const upstream = await startServer(() => undefined);
    const url = upstream.url;
    server!.close();
    server = undefined;
    const error = await rejection(fetchWithTimeouts(url, {}, OPTIONS));
    expect(error).toMatchObject({ status: 502, code: 'upstream_unreachable' });
  });
});
