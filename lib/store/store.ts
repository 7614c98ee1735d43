import type { Redis } from '@upstash/redis';
import type { StoreScript } from './store-script';

/**
 * Shared state for every instance of the gateway: one interface, two implementations
 * (Upstash Redis over REST, and in-memory for a single local process). Values are strings
 * and come back exactly as stored ("0123" stays "0123", JSON-looking text is not parsed).
 *
 * The store is small on purpose: generic key-value operations and one script runner. The
 * algorithms that keep state here (the pacer's schedule in lib/pacing, leases and the rate
 * limit in lib/auth, the metrics write in lib/metrics) each own their scripts
 * (lib/store/store-script.ts) and are functions taking a store.
 *
 * Times are passed in by the caller (`now`, epoch ms) so scripts stay deterministic
 * (Upstash requirement) and tests can drive the clock.
 */
export interface StoreOperations {
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
   * LRANGE: the list's items from `start` to `stop`, both inclusive (newest first for lists
   * written by appendMetric, lib/metrics/append-metric.ts); negative indexes count from the
   * end (-1 is the last). `[]` when the key is missing.
   */
  listRange(key: string, start: number, stop: number): Promise<string[]>;

  /**
   * Runs one step of an algorithm, atomically and as ONE store command: its Lua on Upstash
   * (EVALSHA, falling back to EVAL the first time a fresh database sees it), its in-memory
   * twin on the memory store. Arguments reach the script as strings (`ARGV`); the reply is
   * checked by `script.parse`, which throws on anything unexpected.
   */
  run<T>(script: StoreScript<T>, keys: readonly string[], args: readonly (string | number)[]): Promise<T>;

  /** Throws when the backend is unreachable. */
  ping(): Promise<void>;
}

/** The store of one local process (lib/store/memory-store.ts). */
export interface MemoryStore extends StoreOperations {
  readonly backend: 'memory';
}

/** The store on Upstash Redis (lib/store/upstash-store.ts), shared by every instance. */
export interface UpstashStore extends StoreOperations {
  readonly backend: 'upstash';
  /**
   * Lends the Upstash client to a library that sends its own commands: `@upstash/ratelimit`
   * (lib/auth/limit-rate.ts), which needs a `Redis` and nothing less. Through the store, not
   * as a bare property, so its failures become store errors like every other call's
   * (lib/store/with-store-errors.ts) and test doubles see it as one store call. Costs what
   * `use` sends.
   */
  withClient<T>(use: (redis: Redis) => Promise<T>): Promise<T>;
}

/** Either store; `backend` tells them apart. */
export type Store = MemoryStore | UpstashStore;
