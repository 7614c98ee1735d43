import { z } from 'zod';

/** The three XIPU API endpoints — docs/xipu-protocol "Endpoints". */
export type Endpoint = 'saveSession' | 'completions' | 'delSession';
export const endpoints: readonly Endpoint[] = ['saveSession', 'completions', 'delSession'];

/**
 * A misbehaviour to inject. Faults wait in a queue and a call takes the first pending fault
 * of its target (its endpoint, or for the login portal the place it strikes: see
 * `faultTarget`); each applies `times` times (default 1). `expire-tokens` is not queued: it
 * takes effect when injected.
 */
export type Fault =
  /** Answer with this HTTP status (and body, else a fitting default: 429 rate text, 403 token expired, 500 token error). */
  | { endpoint: Endpoint; kind: 'status'; status: number; body?: string; times?: number }
  /** HTTP 200 with `code: 1` and this `msg`, nothing done. */
  | { endpoint: 'saveSession' | 'delSession'; kind: 'refuse'; msg: string; times?: number }
  /** Creates the session, then answers `ms` later (a slow network after the upstream acted). */
  | { endpoint: 'saveSession'; kind: 'slow-answer'; ms: number; times?: number }
  | { endpoint: 'completions'; kind: 'stall-before-headers'; ms: number; times?: number }
  | { endpoint: 'completions'; kind: 'stall-mid-stream'; afterPieces: number; ms: number; times?: number }
  /** Destroys the socket after this many answer pieces. */
  | { endpoint: 'completions'; kind: 'drop-mid-stream'; afterPieces: number; times?: number }
  | { endpoint: 'completions'; kind: 'empty-stream' | 'canned-refusal' | 'request-err'; times?: number }
  /**
   * Delays each answer of a portal or SSO route by `ms`. `times` counts answers: every page,
   * redirect and error page of those routes takes one (not the 404 of an unknown path such as
   * the `/favicon.ico` Chromium asks for on its own, nor the API or userInfo).
   */
  | { kind: 'portal-slow'; ms: number; times?: number }
  /** The SSO login GET serves a "System maintenance" page without the form. */
  | { kind: 'portal-unexpected-page'; times?: number }
  /** The SSO login POST answers 200 with the form and an "account is locked" error, even with the right password. */
  | { kind: 'login-refused'; times?: number }
  | { kind: 'expire-tokens' };

/** A fault as queued: one that belongs to an endpoint or a place of the login portal. */
export type QueuedFault = Exclude<Fault, { kind: 'expire-tokens' }>;
export type FaultKind = QueuedFault['kind'];
type PortalFault = Extract<QueuedFault, { kind: 'portal-slow' | 'portal-unexpected-page' | 'login-refused' }>;

/** Where a fault strikes: an API endpoint, or one of the login portal's places. */
export type FaultTarget = Endpoint | 'portal-page' | 'sso-login-form' | 'sso-login-submit';

/** The place each portal fault strikes; each place keeps its own order. */
const portalFaultTargets: Record<PortalFault['kind'], FaultTarget> = {
  'portal-slow': 'portal-page',
  'portal-unexpected-page': 'sso-login-form',
  'login-refused': 'sso-login-submit',
};

/** The queue a fault waits in: its endpoint, or its portal place. */
export function faultTarget(fault: QueuedFault): FaultTarget {
  return 'endpoint' in fault ? fault.endpoint : portalFaultTargets[fault.kind];
}

const times = z.number().int().min(1).optional();
const duration = z.number().min(0);
const pieceCount = z.number().int().min(0);

/** Validates faults sent over HTTP (`POST /__sim/faults`). */
export const faultSchema: z.ZodType<Fault> = z.union([
  z.object({
    endpoint: z.enum(['saveSession', 'completions', 'delSession']),
    kind: z.literal('status'),
    status: z.number().int().min(100).max(599),
    body: z.string().optional(),
    times,
  }),
  z.object({ endpoint: z.enum(['saveSession', 'delSession']), kind: z.literal('refuse'), msg: z.string(), times }),
  z.object({ endpoint: z.literal('saveSession'), kind: z.literal('slow-answer'), ms: duration, times }),
  z.object({ endpoint: z.literal('completions'), kind: z.literal('stall-before-headers'), ms: duration, times }),
  z.object({ endpoint: z.literal('completions'), kind: z.literal('stall-mid-stream'), afterPieces: pieceCount, ms: duration, times }),
  z.object({ endpoint: z.literal('completions'), kind: z.literal('drop-mid-stream'), afterPieces: pieceCount, times }),
  z.object({ endpoint: z.literal('completions'), kind: z.enum(['empty-stream', 'canned-refusal', 'request-err']), times }),
  z.object({ kind: z.literal('portal-slow'), ms: duration, times }),
  z.object({ kind: z.enum(['portal-unexpected-page', 'login-refused']), times }),
  z.object({ kind: z.literal('expire-tokens') }),
]);

export interface FaultQueue {
  add(...faults: QueuedFault[]): void;
  /**
   * Takes one application of the first pending fault of `target`, but only when its kind is
   * one of `kinds` (a call checks for answer faults before reading its body and for stream
   * faults once it streams; order within a target is kept).
   */
  take<Kind extends FaultKind>(target: FaultTarget, kinds: readonly Kind[]): Extract<QueuedFault, { kind: Kind }> | undefined;
  /** Applications still pending, over all faults. */
  pending(): number;
  clear(): void;
}

/** A queue of injected faults, consumed in order. */
export function createFaultQueue(): FaultQueue {
  let queue: Array<{ fault: QueuedFault; remaining: number }> = [];

  return {
    add(...faults) {
      for (const fault of faults) queue.push({ fault, remaining: fault.times ?? 1 });
    },
    take<Kind extends FaultKind>(target: FaultTarget, kinds: readonly Kind[]) {
      const entry = queue.find((candidate) => faultTarget(candidate.fault) === target);
      if (entry === undefined || !isKind(entry.fault, kinds)) return undefined;
      entry.remaining -= 1;
      if (entry.remaining <= 0) queue = queue.filter((candidate) => candidate !== entry);
      return entry.fault;
    },
    pending() {
      return queue.reduce((sum, entry) => sum + entry.remaining, 0);
    },
    clear() {
      queue = [];
    },
  };
}

function isKind<Kind extends FaultKind>(fault: QueuedFault, kinds: readonly Kind[]): fault is Extract<QueuedFault, { kind: Kind }> {
  return (kinds as readonly FaultKind[]).includes(fault.kind);
}
