import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { connectResp } from './resp-client';

/** A throwaway redis-server for tests: no persistence, loopback only. */
export interface RunningRedisServer {
  readonly port: number;
  /** Stops the server (SIGTERM, then SIGKILL if it lingers); safe to call twice. */
  stop(): Promise<void>;
}

/** How long a fresh redis-server gets to answer PING (Debian's starts in ~10 ms). */
const STARTUP_TIMEOUT_MS = 10_000;
const PING_POLL_INTERVAL_MS = 20;
const STOP_TIMEOUT_MS = 5_000;
/** A free port can be taken by someone else between probing and binding: try a few. */
const START_ATTEMPTS = 3;

const MISSING_REDIS_MESSAGE =
  'redis-server was not found on PATH. The real-Redis tests need it: run the test command from ' +
  "README.md (it installs it), or `apt-get install -y redis-server` (Debian's 7.0 works).";

/**
 * Starts `redis-server --port <free> --save '' --appendonly no` as a child process and
 * resolves once it answers PING. Throws a clear message when the binary is missing, and the
 * server's own output when it fails to start.
 */
export async function startRedisServer(options: { executable?: string } = {}): Promise<RunningRedisServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt += 1) {
    try {
      return await startOnce(options.executable ?? 'redis-server', await findFreePort());
    } catch (error) {
      if (error instanceof Error && error.message === MISSING_REDIS_MESSAGE) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(executable: string, port: number): Promise<RunningRedisServer> {
  const child = spawn(
    executable,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  // A vitest worker or tsx script that dies must not leave the server behind.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const exited = new Promise<Error>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ENOENT' ? new Error(MISSING_REDIS_MESSAGE) : error),
    );
    child.once('exit', (code, signal) =>
      resolve(new Error(`redis-server exited (code ${code}, signal ${signal}) during startup:\n${output}`)),
    );
  });

  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    await stopChild(child);
  };

  const outcome = await Promise.race([waitForPing(port).then(() => null), exited]);
  if (outcome !== null) {
    await stop();
    throw outcome;
  }
  return { port, stop };
}

/** Polls the port with PING until it answers PONG, bounded by STARTUP_TIMEOUT_MS. */
async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const client = await connectResp({ port, connectTimeoutMs: 500 });
      try {
        if ((await client.send(['PING'])) === 'PONG') return;
      } finally {
        await client.close();
      }
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, PING_POLL_INTERVAL_MS));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${STARTUP_TIMEOUT_MS} ms`, {
    cause: lastError,
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const forceTimer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(forceTimer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Asks the OS for a free loopback port. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('No free port'))));
    });
  });
}
