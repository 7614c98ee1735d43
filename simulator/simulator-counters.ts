import type { Endpoint } from '@/simulator/faults';

/** What the login portal and its SSO saw. */
export interface PortalCounters {
  /** SSO form posts with the right username and password that issued a ticket. */
  loginsSucceeded: number;
  /** SSO form posts refused: wrong username or password, or the `login-refused` fault. */
  loginsFailed: number;
  ticketsIssued: number;
  /** Arrivals at the userInfo endpoint (not in `calls`: it is not one of the three endpoints). */
  userInfoCalls: number;
}

/**
 * When the pieces of one completions stream were written: how a benchmark on the same machine
 * sets what a client received against what the simulator had sent (the hold-back of a stream).
 */
export interface StreamTimeline {
  sessionId: number;
  account: string;
  /**
   * Per piece, when it was handed to the socket: epoch ms with sub-millisecond precision
   * (`performance.timeOrigin + performance.now()`), comparable across processes of one machine.
   */
  sentAt: number[];
  /** Per piece, the characters written so far (UTF-16 code units, as `String#length` counts). */
  sentChars: number[];
}

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
  /**
   * The prompt texts of the last `RECENT_PROMPTS_KEPT` completions calls answered (unknown
   * sessions left out), oldest first: how a test sees the exact prompt a gateway sent after
   * the session is gone.
   */
  recentPrompts: string[];
  /** The last `RECENT_STREAMS_KEPT` completions streams opened, oldest first, with their pieces' timing. */
  recentStreams: StreamTimeline[];
  portal: PortalCounters;
}

/** Enough for the calls of a few chats; bounded so a long benchmark does not grow it. */
export const RECENT_PROMPTS_KEPT = 20;
/** A few streams: a benchmark reads the last one after each chat; bounded for long runs. */
export const RECENT_STREAMS_KEPT = 5;

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
    recentPrompts: [],
    recentStreams: [],
    portal: { loginsSucceeded: 0, loginsFailed: 0, ticketsIssued: 0, userInfoCalls: 0 },
  };
}
