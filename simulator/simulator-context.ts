import type { ServerResponse } from 'node:http';
import { createAichatsSimulator, type AichatsSimulator } from '@/simulator/aichats/create-aichats-simulator';
import { createCallPacer, type CallPacer } from '@/simulator/call-pacer';
import { createCredentialIssuer, type CredentialIssuer } from '@/simulator/credential-issuer';
import { createSeededRandom } from '@/simulator/create-seeded-random';
import { createFaultQueue, type FaultQueue } from '@/simulator/faults';
import { createPortalBook, type PortalBook } from '@/simulator/portal-book';
import { resolveSimulatorSettings, type SimulatorSettings } from '@/simulator/resolve-simulator-settings';
import { createScriptedReplies, type ScriptedReplies } from '@/simulator/scripted-replies';
import { createSessionBook, type SessionBook } from '@/simulator/session-book';
import { createSimulatorCounters, type SimulatorCounters } from '@/simulator/simulator-counters';
import type { SimulatorOptions } from '@/simulator/simulator-options';

/** A completions stream whose headers went out and whose body has not ended. */
export interface LiveStream {
  account: string;
  sessionId: number;
  response: ServerResponse;
}

/** Where the simulator's servers listen, as absolute URLs without a trailing slash. */
export interface SimulatorAddresses {
  /** The main server: API, control routes and the login portal. */
  portalUrl: string;
  /** The SSO server: another port, so another origin. */
  ssoUrl: string;
  apiBase: string;
}

/** Everything one simulator instance knows; shared by its request handlers and controls. */
export interface SimulatorContext {
  settings: SimulatorSettings;
  now: () => number;
  random: () => number;
  credentials: CredentialIssuer;
  pacer: CallPacer;
  sessions: SessionBook;
  faults: FaultQueue;
  /** The scripted replies and their uses. */
  scripts: ScriptedReplies;
  counters: SimulatorCounters;
  liveStreams: Set<LiveStream>;
  portal: PortalBook;
  /** Filled in once both servers listen (empty strings before: no request can arrive then). */
  addresses: SimulatorAddresses;
  /** Aborts when the simulator closes: stalls and streams stop. */
  closing: AbortController;
  /** ai-chats.org's chat call and its controls, on the same server (simulator/aichats/). */
  aichats: AichatsSimulator;
}

/** Seed of the default jitter generator: fixed, so runs repeat exactly. */
const DEFAULT_RANDOM_SEED = 0x5eed;

/** Builds a fresh simulator state from its options (defaults filled in). */
export function createSimulatorContext(options: SimulatorOptions): SimulatorContext {
  const settings = resolveSimulatorSettings(options);
  const now = options.now ?? Date.now;
  const random = options.random ?? createSeededRandom(DEFAULT_RANDOM_SEED);
  return {
    settings,
    now,
    random,
    credentials: createCredentialIssuer({ now, sdpSessionIdleMs: settings.sdpSessionIdleMs }),
    pacer: createCallPacer({ settings: () => settings, random }),
    sessions: createSessionBook({ now }),
    faults: createFaultQueue(),
    scripts: createScriptedReplies(options.scriptedReplies),
    counters: createSimulatorCounters(),
    liveStreams: new Set(),
    portal: createPortalBook(),
    addresses: { portalUrl: '', ssoUrl: '', apiBase: '' },
    closing: new AbortController(),
    aichats: createAichatsSimulator(),
  };
}
