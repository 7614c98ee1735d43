import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MintedCredentials } from '@/lib/simulator/credential-issuer';
import type { Fault } from '@/lib/simulator/faults';
import type { SimulatorState } from '@/lib/simulator/read-simulator-state';
import type { SimulatorProfile, StaleSessionUpdate } from '@/lib/simulator/resolve-simulator-settings';
import { apiBasePath, createRequestRouter } from '@/lib/simulator/route-request';
import { createSimulatorContext } from '@/lib/simulator/simulator-context';
import { createSimulatorControls, type BrowserSessionRequest, type SimulatorRuntimeOptions } from '@/lib/simulator/simulator-controls';

export type { Endpoint, Fault } from '@/lib/simulator/faults';
export type { SimulatorState } from '@/lib/simulator/read-simulator-state';
export type { SimulatorProfile, StaleSessionUpdate } from '@/lib/simulator/resolve-simulator-settings';
export type { MintedCredentials } from '@/lib/simulator/credential-issuer';
export type { BrowserSessionRequest, SimulatorRuntimeOptions } from '@/lib/simulator/simulator-controls';

export interface SimulatorOptions {
  /** Default '127.0.0.1'. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Default 'default'; 'strict' takes the harsh side of every unknown (see call-pacer.ts). */
  profile?: SimulatorProfile;
  /** Per-account frequency threshold, default 1000. */
  minGapMs?: number;
  /** Session cap per account, default 50. */
  sessionCap?: number;
  /** Delay between streamed pieces, default 3. */
  chunkDelayMs?: number;
  /** Lifetime of minted tokens, default 3600. */
  tokenLifetimeSeconds?: number;
  /** Models it serves; default the protocol doc's list. */
  models?: string[];
  /** Default `['forbiddenword', '禁词']`. */
  bannedWords?: string[];
  /** What updating a stale session id does; default 'error'. */
  staleSessionUpdate?: StaleSessionUpdate;
  /** For the strict profile's jitter; default a seeded, deterministic generator. */
  random?: () => number;
  /** Clock, epoch ms; default `Date.now`. Drives pacing and token expiry. */
  now?: () => number;
}

export interface SimulatorHandle {
  /** `http://HOST:PORT`. */
  url: string;
  /** `${url}/api/chat`: the gateway's XIPU_API_BASE. */
  apiBase: string;
  /** Mints a credential pair (account default `demo-student`); ≤ 0 s lifetime gives an expired token. */
  mintCredentials(options?: { lifetimeSeconds?: number; account?: string }): MintedCredentials;
  /** A snapshot of counters and sessions. */
  state(): SimulatorState;
  /** Queues faults, consumed in order per endpoint; `expire-tokens` acts at once. */
  injectFaults(...faults: Fault[]): void;
  /** Clears sessions, counters, faults and pacing memory; minted credentials stay valid. */
  reset(): void;
  /** Sessions as the owner's browser would create them (`New Chat`); @returns their ids. */
  createBrowserSessions(request: BrowserSessionRequest): number[];
  /** Changes profile, gap, delay, cap or stale-id behaviour at run time. */
  setOptions(options: SimulatorRuntimeOptions): void;
  /** Closes the server, ending every open stream and stall. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the XIPU upstream simulator: a `node:http` server imitating XIPU's chat API
 * (docs/xipu-protocol) with its frequency limit, session cap, credentials, history-fed
 * replies, content filter and injectable faults, plus `/__sim/*` control routes.
 *
 * @returns once listening. Call `close()` to stop it.
 * @throws RangeError for invalid options; the listen error when the port is taken.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const context = createSimulatorContext(options);
  const controls = createSimulatorControls(context);
  const server = createServer(createRequestRouter(context, controls));
  // Streams may be long and slow; the defaults would cut them.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closed: Promise<void> | undefined;
  return {
    url,
    apiBase: `${url}${apiBasePath}`,
    ...controls,
    close() {
      closed ??= new Promise<void>((resolve) => {
        context.closing.abort();
        for (const stream of context.liveStreams) stream.response.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
