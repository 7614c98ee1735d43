import { DELETE_IF_EQUALS_SCRIPT } from './delete-if-equals';
import { createMemoryData, type MemoryData } from './memory-data';
import type { MemoryStore } from './store';
import type { StoreScript } from './store-script';

/** Where the process-wide instance lives: one per process, whatever bundle loaded this module. */
const GLOBAL_STORE_KEY = Symbol.for('xipu-gateway.memory-store');

/**
 * The in-memory store of this process. Next.js may load this module once per route bundle,
 * so the instance lives on `globalThis`: every route of one `next start` process shares it.
 * Only correct for a single process (local use); serverless instances need Upstash.
 */
export function getMemoryStore(): MemoryStore {
  const holder = globalThis as typeof globalThis & { [GLOBAL_STORE_KEY]?: MemoryStore };
  holder[GLOBAL_STORE_KEY] ??= createMemoryStore();
  return holder[GLOBAL_STORE_KEY];
}

/**
 * A fresh in-memory Store with Redis semantics (lib/store/memory-data.ts: exact strings,
 * TTLs by `now`, emptied keys vanish, WRONGTYPE). `run` runs a script's in-memory twin
 * against the same data, with its arguments as strings, as Redis hands them to Lua.
 *
 * `now` (epoch ms) drives expiry; tests inject a fake clock. `data` (tests) is the data to
 * run on, so a test can read TTLs (its own clock then drives expiry).
 */
export function createMemoryStore(options: { now?: () => number; data?: MemoryData } = {}): MemoryStore {
  const data = options.data ?? createMemoryData(options.now ?? Date.now);

  const run = async <T>(script: StoreScript<T>, keys: readonly string[], args: readonly (string | number)[]): Promise<T> =>
    script.parse(script.inMemory(data, [...keys], args.map(String)));

  return {
    backend: 'memory',

    async get(key) {
      return data.get(key);
    },

    async set(key, value, setOptions) {
      data.set(key, value, { px: setOptions?.ttlMs });
    },

    async setIfAbsent(key, value, ttlMs) {
      return data.set(key, value, { px: ttlMs, nx: true });
    },

    async deleteIfEquals(key, expected) {
      return await run(DELETE_IF_EQUALS_SCRIPT, [key], [expected]);
    },

    async delete(...keys) {
      data.del(...keys);
    },

    async hashSet(key, fields) {
      if (Object.keys(fields).length > 0) data.hSet(key, fields);
    },

    async hashGetAll(key) {
      return data.hGetAll(key);
    },

    async hashDelete(key, ...fields) {
      if (fields.length > 0) data.hDel(key, ...fields);
    },

    async listRange(key, start, stop) {
      return data.lRange(key, start, stop);
    },

    run,

    async ping() {},
  };
}
