import type { Endpoint } from '@/lib/simulator/faults';

/** Counters since start or the last reset. */
export interface SimulatorCounters {
  /** Arrivals per endpoint, rejected ones included. */
  calls: Record<Endpoint, number>;
  /** API answers per HTTP status, e.g. `{"200": 5, "429": 1}`. */
  statusCounts: Record<string, number>;
  /** 429 answers, from the frequency limit or injected. */
  rateLimited: number;
  /** Created by the API and by the simulated browser. */
  sessionsCreated: number;
  sessionsDeleted: number;
  maxConcurrentStreams: number;
  /** Streams that ran to their end. */
  completedStreams: number;
  /** Streams the client closed early. */
  abortedStreams: number;
  /** Streams cut by a `drop-mid-stream` fault. */
  droppedStreams: number;
  /** delSession calls that were handled, and how many ids each listed. */
  delSessionBatches: { calls: number; idsPerCall: number[] };
}

export function createSimulatorCounters(): SimulatorCounters {
  return {
    calls: { saveSession: 0, completions: 0, delSession: 0 },
    statusCounts: {},
    rateLimited: 0,
    sessionsCreated: 0,
    sessionsDeleted: 0,
    maxConcurrentStreams: 0,
    completedStreams: 0,
    abortedStreams: 0,
    droppedStreams: 0,
    delSessionBatches: { calls: 0, idsPerCall: [] },
  };
}
