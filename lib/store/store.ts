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

  /**
   * The account's shared call schedule: see lib/store/slot-schedule.ts for the algorithm.
   * Reserves the earliest free slot for `request.token`; the same token asking again
   * re-checks its slot (it may move earlier, never lost to a refusal).
   */
  reserveSlot(key: string, request: SlotRequest): Promise<SlotReservation>;
  /** Gives a token's slot back (its waiter gave up before its call started); ends its hold. */
  cancelSlot(key: string, token: string): Promise<void>;
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

  /**
   * One metrics write in ONE store command (lib/store/append-metric.ts): pushes `entry` onto
   * the list (newest first) and trims it to the newest `maxLength`, adds each of `increments`
   * to its hash field (HINCRBY), and restarts each key's TTL. Atomic: a bad argument (a TTL
   * or increment that is not a whole number) throws before anything is written.
   */
  appendMetric(metric: MetricAppend): Promise<void>;
  /**
   * LRANGE: the list's items from `start` to `stop`, both inclusive, newest first for lists
   * written by appendMetric; negative indexes count from the end (-1 is the last). `[]` when
   * the key is missing.
   */
  listRange(key: string, start: number, stop: number): Promise<string[]>;

  /** Throws when the backend is unreachable. */
  ping(): Promise<void>;
}

export interface MetricAppend {
  /** The bounded list of recent entries. */
  listKey: string;
  entry: string;
  /** The list keeps the newest this many entries (≥ 1). */
  maxLength: number;
  /** The list's TTL, restarted by every append (whole ms > 0). */
  listTtlMs: number;
  /** The hash of counters. */
  hashKey: string;
  /** Field → whole number to add (missing fields start at 0). */
  increments: Record<string, number>;
  /**
   * A lease to release in the same command (releaseLease): a finished request frees its
   * concurrency slot and is counted at once, which keeps a chat at 8 store commands.
   */
  releaseLease?: { key: string; member: string };
  /** The hash's TTL, restarted by every append (whole ms > 0). */
  hashTtlMs: number;
}

export interface SlotRequest {
  /** The waiter: its slot in the schedule, and the holder of its hold. */
  token: string;
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
  /**
   * Refuse (and reserve nothing) when the wait would be longer than this; a token that already
   * holds a slot keeps it instead.
   */
  maxWaitMs: number;
  /**
   * Keep the account busy from this slot until releaseSlot or cancelSlot with the same token
   * (or until the lease runs out): every other new reservation answers `busy` meanwhile. Used
   * when an open stream must count as busy (PACER_SERIALIZE_STREAMS).
   */
  hold?: { leaseMs: number };
}

export type SlotReservation =
  /** Start the call at `slotAt` (= now + waitMs; negative for a kept slot already past). */
  | { status: 'reserved'; slotAt: number; waitMs: number }
  /** The wait would exceed maxWaitMs; nothing was reserved (the token had no slot). */
  | { status: 'refused'; waitMs: number }
  /** Another call holds the account until at most `holdUntil`; ask again later (the token had no slot). */
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
