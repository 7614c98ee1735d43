import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, inject, vi } from 'vitest';
import { createMemoryData } from '@/lib/store/memory-data';
import { createMemoryStore } from '@/lib/store/memory-store';
import type { Store } from '@/lib/store/store';
import { createUpstashStore } from '@/lib/store/upstash-store';
import { countStoreCalls } from '../metrics/count-store-calls';
import { connectResp } from './resp-client';
import { startUpstashBridge } from './upstash-bridge';

/**
 * One store to run a suite on — the in-memory store, or the Upstash store on the shared test
 * redis-server — with what a suite needs to check it the same way on both. The store
 * contract (tests/store/store-contract.ts) and every algorithm's suite (one per algorithm,
 * run on both: tests/pacing/slot-schedule.test.ts, tests/auth/concurrency-lease.test.ts,
 * tests/auth/limit-rate.test.ts, tests/metrics/append-metric.test.ts) use these.
 */
export interface StoreBackend {
  readonly store: Store;
  /** A key of this backend's own (a random prefix per backend, so tests never share keys). */
  key(name: string): string;
  /** Epoch ms on the store's clock (fake for memory, real for Redis). */
  now(): number;
  /**
   * Makes `ms` pass for the store's TTLs. Memory moves its fake clock; Redis does nothing,
   * because real time passes while `eventually` polls.
   */
  letTimePass(ms: number): void;
  /** PTTL: ms until the key expires, -1 without a TTL, -2 when it does not exist. */
  ttlMs(key: string): Promise<number>;
  /**
   * Store commands since the backend was made or resetCommands(): on Redis as Upstash bills
   * them (counted by a bridge of this backend's own), on memory one per store call.
   */
  commands(): number;
  resetCommands(): void;
  close(): Promise<void>;
}

/** A fake clock starting in the middle of an hour, so windows do not start at 0. */
function createFakeClock(start = Date.UTC(2026, 10, 22, 12, 30)): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

/** The in-memory store on a fake clock. */
export async function createMemoryBackend(): Promise<StoreBackend> {
  const clock = createFakeClock();
  const data = createMemoryData(clock.now);
  const counted = countStoreCalls(createMemoryStore({ data }));
  const prefix = `backend:${randomUUID()}:`;
  return {
    store: counted.store,
    key: (name) => `${prefix}${name}`,
    now: clock.now,
    letTimePass: clock.advance,
    ttlMs: async (key) => data.pTtl(key),
    commands: () => counted.calls.length,
    resetCommands: () => counted.reset(),
    close: async () => undefined,
  };
}

/** The Upstash store on the shared redis-server, through a bridge of its own (its own count). */
export async function createRedisBackend(): Promise<StoreBackend> {
  const redisPort = inject('redisPort');
  const bridge = await startUpstashBridge({ redisPort, token: `backend-${randomUUID()}` });
  const redis = await connectResp({ port: redisPort });
  const prefix = `backend:${randomUUID()}:`;
  return {
    store: createUpstashStore({ url: bridge.url, token: bridge.token, retry: false }),
    key: (name) => `${prefix}${name}`,
    now: Date.now,
    letTimePass: () => undefined,
    ttlMs: async (key) => Number(await redis.send(['PTTL', key])),
    commands: () => bridge.commandCount(),
    resetCommands: () => bridge.resetCount(),
    async close() {
      await redis.close();
      await bridge.close();
    },
  };
}

/** Both backends, for `describe.each`. */
export const STORE_BACKENDS: Array<[name: string, create: () => Promise<StoreBackend>]> = [
  ['the memory store', createMemoryBackend],
  ['real Redis (Upstash bridge)', createRedisBackend],
];

/**
 * A fresh backend for every test of the calling `describe` (made in beforeEach, closed in
 * afterEach), behind one handle that always points at the current test's backend.
 */
export function useStoreBackend(create: () => Promise<StoreBackend>): StoreBackend {
  let live: StoreBackend | undefined;
  beforeEach(async () => {
    live = await create();
  });
  afterEach(async () => {
    await live?.close();
    live = undefined;
  });
  const current = (): StoreBackend => {
    if (!live) throw new Error('a store backend is only there inside a test');
    return live;
  };
  return {
    get store() {
      return current().store;
    },
    key: (name) => current().key(name),
    now: () => current().now(),
    letTimePass: (ms) => current().letTimePass(ms),
    ttlMs: (key) => current().ttlMs(key),
    commands: () => current().commands(),
    resetCommands: () => current().resetCommands(),
    close: () => current().close(),
  };
}

/** Polls an assertion until it holds (memory: at once; Redis: until a real TTL has run out). */
export async function eventually(assertion: () => Promise<void>): Promise<void> {
  await vi.waitFor(assertion, { timeout: 5_000, interval: 5 });
}

/** Values that a careless store would change on the way (numbers, JSON, null, Unicode, size). */
export const AWKWARD_VALUES: [label: string, value: string][] = [
  ['a number with a leading zero', '0123'],
  ['a number', '42'],
  ['the word null', 'null'],
  ['a JSON object', '{"a":1}'],
  ['a JSON array', '[1,2]'],
  ['the word true', 'true'],
  ['the word OK', 'OK'],
  ['Chinese text', '你好，世界'],
  ['emoji', '😀👍🏽'],
  ['an empty string', ''],
  ['whitespace and newlines', ' \r\n\t '],
  ['a quoted string', '"quoted"'],
  ['a long string', 'x你😀'.repeat(40_000)],
];
