import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AichatsSimulator } from '@/simulator/aichats/create-aichats-simulator';
import type { MintedCredentials } from '@/simulator/credential-issuer';
import type { Fault } from '@/simulator/faults';
import type { SimulatorState } from '@/simulator/read-simulator-state';
import type { ScriptedReply } from '@/simulator/scripted-replies';
import type { SimulatorOptions } from '@/simulator/simulator-options';
import { apiBasePath, createRequestRouter } from '@/simulator/route-request';
import { createSsoRequestRouter } from '@/simulator/route-sso-request';
import { createSimulatorContext } from '@/simulator/simulator-context';
import { createSimulatorControls, type BrowserSessionRequest, type SimulatorRuntimeOptions } from '@/simulator/simulator-controls';

export type { Endpoint, Fault } from '@/simulator/faults';
export type { SimulatorState } from '@/simulator/read-simulator-state';
export type { StreamTimeline } from '@/simulator/simulator-counters';
export type { DelSessionUnknownIds, SimulatorOptions, SimulatorProfile, StaleSessionUpdate } from '@/simulator/simulator-options';
export type { MintedCredentials } from '@/simulator/credential-issuer';
export type { BrowserSessionRequest, SimulatorRuntimeOptions } from '@/simulator/simulator-controls';
export type { ScriptedReply, ScriptedReplyState, ScriptMatch } from '@/simulator/scripted-replies';

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
  /** Replaces the scripted replies (first match on the prompt wins; `times` limits each); `[]` removes them. */
  setScriptedReplies(scripts: ScriptedReply[]): void;
  /** ai-chats.org's simulator on the same server (`${url}` is its AICHATS_BASE_URL): state, faults, options. */
  aichats: Pick<AichatsSimulator, 'state' | 'setFault' | 'setOptions' | 'reset'>;
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
    aichats: { state: context.aichats.state, setFault: context.aichats.setFault, setOptions: context.aichats.setOptions, reset: context.aichats.reset },
    close() {
      closed ??= (async () => {
        context.closing.abort();
        context.aichats.close();
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
