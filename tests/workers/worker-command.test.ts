import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deregisterWorkerHandler, listWorkersHandler, registerWorkerHandler } from '@/lib/handlers/workers';
import { routeSet } from '@/lib/handlers/route-set';
import type { WorkerStatus } from '@/lib/workers/describe-workers';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '@/simulator/openai-compatible/start-openai-compatible-server';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/**
 * `npm run worker` (scripts/worker.ts, run with tsx as npm does) against a gateway's worker
 * routes over HTTP and a fake OpenAI-compatible server: it registers with the models the
 * server lists, heartbeats, and deregisters when stopped.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'worker-command-secret';

let gateway: GatewayHarness;
let server: Server;
let gatewayUrl: string;
let fake: OpenAiCompatibleServer;
const children: ChildProcess[] = [];

beforeAll(async () => {
  gateway = await startGatewayHarness({ environment: { WORKER_SECRET: SECRET } });
  fake = await startOpenAiCompatibleServer({ models: ['llama3.2', 'nomic-embed-text'], apiKey: 'sk-local' });
  const options = { ...gateway.routeOptions, authenticate: false };
  const collection = routeSet({ GET: listWorkersHandler, POST: registerWorkerHandler }, options);
  const item = routeSet({ DELETE: deregisterWorkerHandler }, options);
  // The worker routes over HTTP, as `next start` would serve them.
  server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      const url = new URL(incoming.url ?? '/', 'http://gateway.test');
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      const request = new Request(url, { method: incoming.method, headers: incoming.headers as Record<string, string>, body });
      const id = /^\/api\/workers\/([^/]+)$/.exec(url.pathname)?.[1];
      const response = id
        ? await item.DELETE(request, { params: Promise.resolve({ id: decodeURIComponent(id) }) })
        : await (incoming.method === 'GET' ? collection.GET : collection.POST)(request);
      outgoing.writeHead(response.status, { 'content-type': 'application/json' });
      outgoing.end(await response.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  gatewayUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await fake.close();
  await gateway.close();
});

async function listed(): Promise<WorkerStatus[]> {
  const response = await fetch(`${gatewayUrl}/api/workers`, { headers: { authorization: `Bearer ${SECRET}` } });
  return ((await response.json()) as { data: WorkerStatus[] }).data;
}

function runWorker(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(`${ROOT}node_modules/.bin/tsx`, ['scripts/worker.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('npm run worker', () => {
  it('registers with the models the server lists, heartbeats, and deregisters on SIGTERM', async () => {
    const worker = runWorker(['--gateway', gatewayUrl, '--secret', SECRET, '--base-url', fake.url, '--api-key', 'sk-local', '--id', 'laptop', '--interval', '4']);
    await vi.waitFor(() => expect(worker.output()).toContain('registered worker laptop'), { timeout: 20_000, interval: 50 });
    const [entry] = (await listed()).filter((item) => item.id === 'laptop');
    expect(entry).toMatchObject({ id: 'laptop', baseUrl: fake.url, models: ['llama3.2', 'nomic-embed-text'], ttlSeconds: 12, hasApiKey: true });
    expect(JSON.stringify(await listed())).not.toContain('sk-local');
    await vi.waitFor(() => expect(worker.output()).toContain('heartbeat worker laptop'), { timeout: 10_000, interval: 100 });

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('deregistered worker laptop (SIGTERM)');
    expect((await listed()).map((item) => item.id)).not.toContain('laptop');
  });

  it('stops with exit code 1 when the gateway refuses its secret', async () => {
    const worker = runWorker(['--gateway', gatewayUrl, '--secret', 'wrong', '--base-url', fake.url, '--models', 'a,b', '--id', 'refused']);
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toContain('the gateway answered 401');
    expect((await listed()).map((item) => item.id)).not.toContain('refused');
  });
});
