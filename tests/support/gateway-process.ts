import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface GatewayProcess {
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  /** Kills it without any cleanup (a crashed instance). */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Runs the built gateway with `next start` on a free port, with exactly the given
 * environment (plus PATH/HOME), and waits until it answers. Needs `next build` first: the
 * README's test command does it.
 */
export async function startGatewayProcess(environment: Record<string, string>): Promise<GatewayProcess> {
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    throw new Error('No production build: run `npx next build` first (scripts/test.sh does).');
  }
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited early:\n${output}`);
    try {
      const response = await fetch(`${url}/v1/models`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`next start did not answer within 30 s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    output: () => output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

/**
 * Sessions as before the warm pool: each chat creates its own and deletes it right after its
 * response (no pool, delete batches of one). The suites written for that behaviour — they
 * count sessions left after each chat — run with it; the pool's own suites
 * (tests/xipu/sessions/session-pool*.test.ts, tests/e2e/session-pool.test.ts) use the defaults.
 */
export const PER_CHAT_SESSIONS = { SESSION_POOL_SIZE: '0', SESSION_DELETE_BATCH: '1' } as const;

/**
 * The environment of a gateway in front of `simulator`, with credentials it minted and the
 * fast pacing the tests use (the simulator's own gap is 40 ms in tests); sessions per chat
 * (PER_CHAT_SESSIONS) unless `extra` says otherwise.
 */
export function simulatedUpstreamEnvironment(
  simulator: { apiBase: string; mintCredentials(): { jmToken: string; sdpSession: string } },
  extra: Record<string, string> = {},
): Record<string, string> {
  const credentials = simulator.mintCredentials();
  return {
    JM_TOKEN: credentials.jmToken,
    SDP_SESSION: credentials.sdpSession,
    XIPU_API_BASE: simulator.apiBase,
    UPSTREAM_MIN_GAP_MS: '50',
    UPSTREAM_ANSWER_ALLOWANCE_MS: '40',
    ...PER_CHAT_SESSIONS,
    ...extra,
  };
}
