/**
 * Shared state for every instance of the gateway: one interface, two implementations
 * (Upstash Redis over REST, and in-memory for a single local process). Values are strings
 * and come back exactly as stored ("0123" stays "0123", JSON-looking text is not parsed).
 *
 * Times are passed in by the caller (`now`, epoch ms) so scripts stay deterministic
 * (Upstash requirement) and tests can drive the clock.
 */
export interface Store {
  readonly backend: 'upstash' | 'memory';

  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>;
  /** SET NX with a TTL: true when this call created the key (locks). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Deletes the key only while it still holds `expected` (releasing a lock one owns). */
  deleteIfEquals(key: string, expected: string): Promise<boolean>;
  delete(...keys: string[]): Promise<void>;

  hashSet(key: string, fields: Record<string, string>): Promise<void>;
  hashGetAll(key: string): Promise<Record<string, string>>;
  hashDelete(key: string, ...fields: string[]): Promise<void>;

  /** The account's shared call schedule: see lib/pacing/slot-schedule.ts for the algorithm. */
  reserveSlot(key: string, request: SlotRequest): Promise<SlotReservation>;
  /** Ends a hold and/or pushes the schedule later (an answer that came late). */
  releaseSlot(key: string, release: SlotRelease): Promise<void>;
  /** Extends a hold this token owns; false when it no longer owns it. */
  renewSlotHold(key: string, renewal: { token: string; now: number; leaseMs: number }): Promise<boolean>;

  /**
   * Counting semaphore with leases: adds `member` when fewer than `limit` unexpired members
   * exist. A crashed holder's lease simply expires.
   */
  acquireLease(key: string, lease: { member: string; limit: number; now: number; ttlMs: number }): Promise<boolean>;
  releaseLease(key: string, member: string): Promise<void>;

  /** Sliding-window rate limit: `limit` calls per `windowMs` per key. */
  limitRate(key: string, limit: number, windowMs: number): Promise<RateLimitResult>;

  /** Throws when the backend is unreachable. */
  ping(): Promise<void>;
}

export interface SlotRequest {
  /** Caller's clock, epoch ms. */
  now: number;
  /** Minimum time between one call and the next (start to start, and answer to start). */
  gapMs: number;
  /**
   * How long the call may take to answer before the schedule's start-to-start spacing no
   * longer also covers answer-to-start: the next slot is `slot + gapMs + allowanceMs`.
   * A call that answers later reports it with releaseSlot.
   */
  allowanceMs: number;
  /** Refuse (and change nothing) when the wait would be longer than this. */
  maxWaitMs: number;
  /**
   * Keep the account busy from this slot until releaseSlot with the same token (or until
   * the lease runs out): every other reservation answers `busy` meanwhile. Used when an open
   * stream must count as busy (PACER_SERIALIZE_STREAMS).
   */
  hold?: { token: string; leaseMs: number };
}

export type SlotReservation =
  /** Start the call at `slotAt` (= now + waitMs). */
  | { status: 'reserved'; slotAt: number; waitMs: number }
  /** The wait would exceed maxWaitMs; nothing was reserved. */
  | { status: 'refused'; waitMs: number }
  /** Another call holds the account until at most `holdUntil`; ask again later. */
  | { status: 'busy'; holdUntil: number };

export interface SlotRelease {
  now: number;
  gapMs: number;
  /** Ends the hold when this token owns it. */
  token?: string;
}

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** When the caller may try again (epoch ms); meaningful when not allowed. */
  resetAt: number;
}
