import type { SimulatorProfile } from '@/simulator/simulator-options';
import { upstreamMessages } from '@/simulator/upstream-messages';

/** One call of an account as the frequency limit sees it. */
export interface PacedCall {
  readonly account: string;
  /** Epoch ms. */
  readonly arrivedAt: number;
  /** When its response headers went out (a rejected call: its arrival); null until then. */
  answeredAt: number | null;
}

export type PacingDecision =
  | { allowed: true; call: PacedCall }
  /** Answer HTTP 429 with this `msg`. */
  | { allowed: false; call: PacedCall; message: string };

export interface CallPacer {
  /** Judges a call at its arrival. Every arrival counts, rejected ones included. */
  arrive(account: string, arrivedAt: number): PacingDecision;
  /** Records when the call's answer (its response headers) went out. Idempotent. */
  answer(call: PacedCall, answeredAt: number): void;
  streamOpened(account: string): void;
  streamClosed(account: string): void;
  /** Accepted calls not answered yet, all accounts. */
  callsInFlight(): number;
  /** Smallest gaps seen between consecutive calls of one account; null until two calls. */
  observedGaps(): { minArrivalGapMs: number | null; minAnswerToArrivalGapMs: number | null };
  /** Forgets arrivals, answers and observations; calls and streams still open stay counted. */
  reset(): void;
}

/** The strict profile's threshold is uniform in [JITTER_LOW, 1] × minGapMs. */
const JITTER_LOW = 0.8;

interface CallRecord extends PacedCall {
  memory: AccountMemory;
  inFlight: boolean;
  /** Arrival of the account's next call, while this one is unanswered. */
  followerArrivedAt: number | null;
}

interface AccountMemory {
  lastArrivalAt: number | null;
  lastAnswerAt: number | null;
  previousCall: CallRecord | null;
  rejections: number;
}

/**
 * The per-account request-frequency limit across all endpoints — docs/xipu-protocol §3.
 *
 * `default` profile: a call arriving less than `minGapMs` after the account's previous
 * arrival gets 429 `Request too fast…`.
 *
 * `strict` profile, the harsh side of each unknown: the gap counts from the previous call's
 * answer; the threshold is jittered (uniform in [0.8, 1] × minGapMs, from `random`); while one
 * of the account's calls is unanswered or one of its completions streams is open, every call
 * is refused; and every other 429 carries the misleading "context is too long" text.
 *
 * @param options.settings read at every arrival, so profile and gap can change at run time.
 */
export function createCallPacer(options: {
  settings: () => { profile: SimulatorProfile; minGapMs: number };
  random: () => number;
}): CallPacer {
  let memories = new Map<string, AccountMemory>();
  /** Live state, kept across reset(): accepted calls still unanswered, streams still open. */
  const inFlight = new Map<string, number>();
  const openStreams = new Map<string, number>();
  let minArrivalGapMs: number | null = null;
  let minAnswerToArrivalGapMs: number | null = null;

  const observeAnswerGap = (gapMs: number) => {
    minAnswerToArrivalGapMs = minAnswerToArrivalGapMs === null ? gapMs : Math.min(minAnswerToArrivalGapMs, gapMs);
  };
  const adjust = (counts: Map<string, number>, account: string, delta: number) => {
    counts.set(account, Math.max(0, (counts.get(account) ?? 0) + delta));
  };

  const isTooFast = (account: string, memory: AccountMemory, arrivedAt: number): boolean => {
    const { profile, minGapMs } = options.settings();
    if (profile === 'default') {
      return memory.lastArrivalAt !== null && arrivedAt - memory.lastArrivalAt < minGapMs;
    }
    const busy = (inFlight.get(account) ?? 0) > 0 || (openStreams.get(account) ?? 0) > 0;
    if (busy) return true;
    if (memory.lastAnswerAt === null) return false;
    const thresholdMs = minGapMs * (JITTER_LOW + (1 - JITTER_LOW) * options.random());
    return arrivedAt - memory.lastAnswerAt < thresholdMs;
  };

  const rejectionMessage = (memory: AccountMemory): string => {
    const strict = options.settings().profile === 'strict';
    return strict && memory.rejections % 2 === 0 ? upstreamMessages.contextTooLong : upstreamMessages.tooFast;
  };

  const recordAnswer = (call: CallRecord, answeredAt: number) => {
    call.answeredAt = answeredAt;
    const { memory } = call;
    memory.lastAnswerAt = memory.lastAnswerAt === null ? answeredAt : Math.max(memory.lastAnswerAt, answeredAt);
    const current = memories.get(call.account) === memory;
    if (current && call.followerArrivedAt !== null) observeAnswerGap(call.followerArrivedAt - answeredAt);
  };

  return {
    arrive(account, arrivedAt) {
      let memory = memories.get(account);
      if (memory === undefined) {
        memory = { lastArrivalAt: null, lastAnswerAt: null, previousCall: null, rejections: 0 };
        memories.set(account, memory);
      }
      const previous = memory.previousCall;
      if (previous !== null) {
        const arrivalGap = arrivedAt - previous.arrivedAt;
        minArrivalGapMs = minArrivalGapMs === null ? arrivalGap : Math.min(minArrivalGapMs, arrivalGap);
        if (previous.answeredAt !== null) observeAnswerGap(arrivedAt - previous.answeredAt);
        else previous.followerArrivedAt ??= arrivedAt;
      }
      const tooFast = isTooFast(account, memory, arrivedAt);
      memory.lastArrivalAt = memory.lastArrivalAt === null ? arrivedAt : Math.max(memory.lastArrivalAt, arrivedAt);
      const call: CallRecord = { account, arrivedAt, answeredAt: null, memory, inFlight: !tooFast, followerArrivedAt: null };
      memory.previousCall = call;
      if (tooFast) {
        memory.rejections += 1;
        const message = rejectionMessage(memory);
        recordAnswer(call, arrivedAt);
        return { allowed: false, call, message };
      }
      adjust(inFlight, account, +1);
      return { allowed: true, call };
    },

    answer(call, answeredAt) {
      const record = call as CallRecord;
      if (record.answeredAt !== null) return;
      if (record.inFlight) {
        record.inFlight = false;
        adjust(inFlight, record.account, -1);
      }
      recordAnswer(record, answeredAt);
    },

    streamOpened(account) {
      adjust(openStreams, account, +1);
    },
    streamClosed(account) {
      adjust(openStreams, account, -1);
    },

    callsInFlight() {
      let total = 0;
      for (const count of inFlight.values()) total += count;
      return total;
    },

    observedGaps() {
      return { minArrivalGapMs, minAnswerToArrivalGapMs };
    },

    reset() {
      memories = new Map();
      minArrivalGapMs = null;
      minAnswerToArrivalGapMs = null;
    },
  };
}
