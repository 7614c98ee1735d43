import type { MemoryData } from './memory-data';

/**
 * One atomic step of an algorithm that keeps its state in the store (the pacer's schedule,
 * the concurrency leases, the rate limit, the metrics write), run by `Store.run`. The
 * algorithm that owns the step defines it, next to the functions that use it, so a new
 * primitive costs one script and no Store method: the store only knows how to run one.
 *
 * Both halves are kept equivalent by one suite per algorithm, run on both stores.
 */
export interface StoreScript<T> {
  /** Names the step where store calls are counted or made to fail (tests, the benchmark), e.g. `reserveSlot`. */
  readonly name: string;
  /**
   * The step for Redis: one command (Upstash bills a script as one), atomic, deterministic
   * (the caller's clock comes in as an argument). It gets `KEYS` and `ARGV` as `run` was
   * given them; its reply reaches `parse` as Redis converts it (numbers truncated to whole
   * numbers, `false` to nil, tables to arrays).
   */
  readonly lua: string;
  /**
   * The same step for the in-memory store, written as a line-by-line reading of the Lua
   * against the memory store's data (lib/store/memory-data.ts): `args` arrive as strings,
   * as `ARGV` does, and it returns the reply the Lua would.
   */
  inMemory(redis: MemoryData, keys: readonly string[], args: readonly string[]): unknown;
  /** Validates the raw reply (the same shape from both stores) into T; throws on anything else. */
  parse(reply: unknown): T;
}
