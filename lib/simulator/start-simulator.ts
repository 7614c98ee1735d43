import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MintedCredentials } from '@/lib/simulator/credential-issuer';
import type { Fault } from '@/lib/simulator/faults';
import type { SimulatorState } from '@/lib/simulator/read-simulator-state';
import type { DelSessionUnknownIds, SimulatorProfile, StaleSessionUpdate } from '@/lib/simulator/resolve-simulator-settings';
import { apiBasePath, createRequestRouter } from '@/lib/simulator/route-request';
import { createSsoRequestRouter } from '@/lib/simulator/route-sso-request';
import { createSimulatorContext } from '@/lib/simulator/simulator-context';
import { createSimulatorControls, type BrowserSessionRequest, type SimulatorRuntimeOptions } from '@/lib/simulator/simulator-controls';

export type { Endpoint, Fault } from '@/lib/simulator/faults';
export type { SimulatorState } from '@/lib/simulator/read-simulator-state';
export type { DelSessionUnknownIds, SimulatorProfile, StaleSessionUpdate } from '@/lib/simulator/resolve-simulator-settings';
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
  /**
   * What a delSession listing an id the account does not have does; default 'ignore'.
   * Unknown: the real service's behaviour for unknown ids is not recorded. 'refuse' refuses
   * the whole call (`{"code":1,"msg":"Session not found"}`, nothing deleted) — the case of a
   * gateway session the owner already deleted in the web history.
   */
  delSessionUnknownIds?: DelSessionUnknownIds;
  /** For the strict profile's jitter; default a seeded, deterministic generator. */
  random?: () => number;
  /** Clock, epoch ms; default `Date.now`. Drives pacing, token expiry and sdp-session idleness. */
  now?: () => number;
  /** The login portal and its SSO (docs/xipu-protocol "Login"); every field optional. */
  portal?: {
    /** The one account the SSO accepts, and the account its logins' credentials belong to. Default 'student'. */
    username?: string;
    /** Default 'correct-horse-battery' (a simulator-only value). */
    password?: string;
    /** The SSO server's port; default 0 (a free port). */
    ssoPort?: number;
    /** The chat page's token-bearing XHR starts this long after its textarea appears; default 300. */
    tokenXhrDelayMs?: number;
  };
  /**
   * Profile for an unknown (docs/xipu-protocol "Unknowns"): an sdp-app-session with no
   * successful API call (any endpoint, userInfo included; minting counts as one) for longer
   * than this is answered 403 `session expired`, and stays dead. Default: never expires.
   */
  sdpSessionIdleMs?: number;
}

export interface SimulatorHandle {
  /** `http://HOST:PORT`. */
  url: string;
  /** `${url}/api/chat`: the gateway's XIPU_API_BASE. */
  apiBase: string;
  /** The login portal (= `url`): where a browser login starts. */
  portalUrl: string;
  /** The SSO server: a second server on its own port, so another origin. */
  ssoUrl: string;
  /** The account the SSO accepts. */
  portalAccount: { username: string; password: string };
  /** Mints a credential pair (account default `demo-student`); ≤ 0 s lifetime gives an expired token. */
  mintCredentials(options?: { lifetimeSeconds?: number; account?: string }): MintedCredentials;
  /** A snapshot of counters and sessions. */
  state(): SimulatorState;
  /** Queues faults, consumed in order per endpoint; `expire-tokens` acts at once. */
  injectFaults(...faults: Fault[]): void;
  /** Clears sessions, counters, faults and pacing memory; minted credentials and portal logins stay valid. */
  reset(): void;
  /** Sessions as the owner's browser would create them (`New Chat`); @returns their ids. */
  createBrowserSessions(request: BrowserSessionRequest): number[];
  /** Changes profile, gap, delay, cap, stale-id or unknown-id-delete behaviour at run time. */
  setOptions(options: SimulatorRuntimeOptions): void;
  /** Closes both servers, ending every open stream, stall and slowed page. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the XIPU upstream simulator: a `node:http` server imitating XIPU's chat API
 * (docs/xipu-protocol) with its frequency limit, session cap, credentials, history-fed
 * replies, content filter and injectable faults, plus `/__sim/*` control routes and the login
 * portal a headless-Chromium login drives; and a second server, on its own port, for the
 * school's SSO.
 *
 * @returns once both listen. Call `close()` to stop them.
 * @throws RangeError for invalid options; the listen error when a port is taken.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const context = createSimulatorContext(options);
  const controls = createSimulatorControls(context);
  const server = createServer(createRequestRouter(context, controls));
  // Streams may be long and slow; the defaults would cut them.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 5_000;
  const ssoServer = createServer(createSsoRequestRouter(context));

  const host = options.host ?? '127.0.0.1';
  const url = await listen(server, host, options.port ?? 0);
  let ssoUrl: string;
  try {
    ssoUrl = await listen(ssoServer, host, context.settings.portal.ssoPort);
  } catch (error) {
    await stopServer(server);
    throw error;
  }
  context.addresses = { portalUrl: url, ssoUrl, apiBase: `${url}${apiBasePath}` };

  let closed: Promise<void> | undefined;
  return {
    url,
    apiBase: context.addresses.apiBase,
    portalUrl: url,
    ssoUrl,
    portalAccount: { username: context.settings.portal.username, password: context.settings.portal.password },
    ...controls,
    close() {
      closed ??= (async () => {
        context.closing.abort();
        for (const stream of context.liveStreams) stream.response.destroy();
        await Promise.all([stopServer(server), stopServer(ssoServer)]);
      })();
      return closed;
    },
  };
}

/** @returns the server's `http://HOST:PORT` once it listens. */
async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/** Stops listening and cuts every connection, idle or not. */
function stopServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
