import type { Endpoint } from '@/simulator/faults';
import type { DelSessionUnknownIds, SimulatorProfile, StaleSessionUpdate } from '@/simulator/simulator-options';
import type { ScriptedReplyState } from '@/simulator/scripted-replies';
import type { SessionCreator } from '@/simulator/session-book';
import type { SimulatorContext } from '@/simulator/simulator-context';
import type { PortalCounters, StreamTimeline } from '@/simulator/simulator-counters';

export interface SimulatorSessionSummary {
  id: number;
  account: string;
  name: string;
  model: string;
  createdBy: SessionCreator;
  /** Completions the session has answered (its history length). */
  turns: number;
}

/** A snapshot of the simulator (`state()`, `GET /__sim/state`); counters run since the last reset. */
export interface SimulatorState {
  profile: SimulatorProfile;
  minGapMs: number;
  chunkDelayMs: number;
  sessionCap: number;
  staleSessionUpdate: StaleSessionUpdate;
  delSessionUnknownIds: DelSessionUnknownIds;
  /** Arrivals per endpoint, rejected ones included (userInfo is counted in `portal`). */
  calls: Record<Endpoint, number>;
  /** API answers per HTTP status, of the three endpoints (not userInfo). */
  statusCounts: Record<string, number>;
  /** 429 answers. */
  rateLimited: number;
  /** Accepted API calls whose answer has not gone out yet. */
  callsInFlight: number;
  /** Sessions that exist, all accounts. */
  sessionsOpen: number;
  sessions: SimulatorSessionSummary[];
  sessionsCreated: number;
  sessionsDeleted: number;
  openStreams: number;
  maxConcurrentStreams: number;
  completedStreams: number;
  abortedStreams: number;
  droppedStreams: number;
  /** Smallest arrival-to-arrival gap between consecutive calls of one account; null until two calls. */
  minArrivalGapMs: number | null;
  /**
   * Smallest gap from a call's answer to the account's next arrival; negative when the next
   * call arrived before the previous one was answered. Null until two calls.
   */
  minAnswerToArrivalGapMs: number | null;
  /** delSession calls handled (refused for an unknown id included) and the number of ids in each. */
  delSessionBatches: { calls: number; idsPerCall: number[] };
  /** Fault applications still waiting. */
  faultsPending: number;
  /** The scripted replies in order, with their uses since they were set or the last reset. */
  scriptedReplies: ScriptedReplyState[];
  /** The prompts of the last completions calls answered, oldest first (at most `RECENT_PROMPTS_KEPT`). */
  recentPrompts: string[];
  /**
   * The last completions streams opened (at most `RECENT_STREAMS_KEPT`), oldest first: per
   * piece when it was written and the characters written so far.
   */
  recentStreams: StreamTimeline[];
  /** The login portal, its SSO and the page's userInfo calls. */
  portal: PortalCounters;
}

/** Takes a snapshot; later changes do not affect it. */
export function readSimulatorState(context: SimulatorContext): SimulatorState {
  const { settings, counters } = context;
  const sessions = context.sessions.list();
  return {
    profile: settings.profile,
    minGapMs: settings.minGapMs,
    chunkDelayMs: settings.chunkDelayMs,
    sessionCap: settings.sessionCap,
    staleSessionUpdate: settings.staleSessionUpdate,
    delSessionUnknownIds: settings.delSessionUnknownIds,
    calls: { ...counters.calls },
    statusCounts: { ...counters.statusCounts },
    rateLimited: counters.rateLimited,
    callsInFlight: context.pacer.callsInFlight(),
    sessionsOpen: sessions.length,
    sessions: sessions.map((session) => ({
      id: session.id,
      account: session.account,
      name: session.name,
      model: session.model,
      createdBy: session.createdBy,
      turns: session.turns.length,
    })),
    sessionsCreated: counters.sessionsCreated,
    sessionsDeleted: counters.sessionsDeleted,
    openStreams: context.liveStreams.size,
    maxConcurrentStreams: counters.maxConcurrentStreams,
    completedStreams: counters.completedStreams,
    abortedStreams: counters.abortedStreams,
    droppedStreams: counters.droppedStreams,
    ...context.pacer.observedGaps(),
    delSessionBatches: { calls: counters.delSessionBatches.calls, idsPerCall: [...counters.delSessionBatches.idsPerCall] },
    faultsPending: context.faults.pending(),
    scriptedReplies: context.scripts.list(),
    recentPrompts: [...counters.recentPrompts],
    recentStreams: counters.recentStreams.map((stream) => ({ ...stream, sentAt: [...stream.sentAt], sentChars: [...stream.sentChars] })),
    portal: { ...counters.portal },
  };
}
