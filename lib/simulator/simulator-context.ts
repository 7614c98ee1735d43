import type { ServerResponse } from 'node:http';
import { createCallPacer, type CallPacer } from '@/lib/simulator/call-pacer';
import { createCredentialIssuer, type CredentialIssuer } from '@/lib/simulator/credential-issuer';
import { createSeededRandom } from '@/lib/simulator/create-seeded-random';
import { createFaultQueue, type FaultQueue } from '@/lib/simulator/faults';
import { resolveSimulatorSettings, type SimulatorSettings } from '@/lib/simulator/resolve-simulator-settings';
import { createSessionBook, type SessionBook } from '@/lib/simulator/session-book';
import { createSimulatorCounters, type SimulatorCounters } from '@/lib/simulator/simulator-counters';
import type { SimulatorOptions } from '@/lib/simulator/start-simulator';

/** A completions stream whose headers went out and whose body has not ended. */
export interface LiveStream {
  account: string;
  sessionId: number;
  response: ServerResponse;
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
  counters: SimulatorCounters;
  liveStreams: Set<LiveStream>;
  /** Aborts when the simulator closes: stalls and streams stop. */
  closing: AbortController;
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
    credentials: createCredentialIssuer({ now }),
    pacer: createCallPacer({ settings: () => settings, random }),
    sessions: createSessionBook({ now }),
    faults: createFaultQueue(),
    counters: createSimulatorCounters(),
    liveStreams: new Set(),
    closing: new AbortController(),
  };
}
