import {
  cancelSlotInSchedule,
  readSlotSchedule,
  releaseSlotInSchedule,
  renewSlotHoldInSchedule,
  reserveSlotInSchedule,
  slotScheduleKeys,
  type SlotScheduleState,
  type SlotScheduleWrite,
} from './slot-schedule';
import { appendMetricInMemory } from './append-metric';
import { acquireLeaseInSet } from './concurrency-lease';
import { storeTtls } from './keys';
import { limitSlidingWindow } from './limit-sliding-window';
import type { Store } from './store';

type Entry =
  | { kind: 'string'; value: string; expiresAt: number | null }
  | { kind: 'hash'; fields: Map<string, string>; expiresAt: number | null }
  | { kind: 'sorted-set'; members: Map<string, number>; expiresAt: number | null }
  | { kind: 'list'; items: string[]; expiresAt: number | null };

const WRONG_TYPE_MESSAGE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

/** Where the process-wide instance lives: one per process, whatever bundle loaded this module. */
const GLOBAL_STORE_KEY = Symbol.for('xipu-gateway.memory-store');

/**
 * The in-memory store of this process. Next.js may load this module once per route bundle,
 * so the instance lives on `globalThis`: every route of one `next start` process shares it.
 * Only correct for a single process (local use); serverless instances need Upstash.
 */
export function getMemoryStore(): Store {
  const holder = globalThis as typeof globalThis & { [GLOBAL_STORE_KEY]?: Store };
  holder[GLOBAL_STORE_KEY] ??= createMemoryStore();
  return holder[GLOBAL_STORE_KEY];
}

/**
 * A fresh in-memory Store with Redis semantics: values are exact strings, TTLs are honoured
 * (lazily, on access, by `now`), empty hashes and sets disappear, and using a key as the
 * wrong kind throws WRONGTYPE. The schedule, leases and rate limit run the same algorithms
 * as the Upstash store's scripts. `now` (epoch ms) drives expiry and the rate limit; tests
 * inject a fake clock.
 */
export function createMemoryStore(options: { now?: () => number } = {}): Store {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  /** The live entry at `key`, dropping it when expired. */
  const read = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry?.expiresAt != null && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const readString = (key: string): Extract<Entry, { kind: 'string' }> | undefined => {
    const entry = read(key);
    if (entry && entry.kind !== 'string') throw new Error(WRONG_TYPE_MESSAGE);
    return entry;
  };
  const readHash = (key: string): Extract<Entry, { kind: 'hash' }> | undefined => {
    const entry = read(key);
    if (entry && entry.kind !== 'hash') throw new Error(WRONG_TYPE_MESSAGE);
    return entry;
  };
  const readSortedSet = (key: string): Extract<Entry, { kind: 'sorted-set' }> | undefined => {
    const entry = read(key);
    if (entry && entry.kind !== 'sorted-set') throw new Error(WRONG_TYPE_MESSAGE);
    return entry;
  };
  const readList = (key: string): Extract<Entry, { kind: 'list' }> | undefined => {
    const entry = read(key);
    if (entry && entry.kind !== 'list') throw new Error(WRONG_TYPE_MESSAGE);
    return entry;
  };
  const expiryAfter = (ttlMs: number | undefined): number | null => {
    if (ttlMs === undefined) return null;
    if (!Number.isInteger(ttlMs) || ttlMs <= 0) throw new Error(`ERR invalid expire time: ${ttlMs}`);
    return now() + ttlMs;
  };
  /** Both keys are read (and type-checked) before either is written: atomic like the scripts. */
  const readSchedule = (key: string): SlotScheduleState => {
    const [hashKey, slotsKey] = slotScheduleKeys(key);
    const hash = readHash(hashKey);
    const slots = readSortedSet(slotsKey);
    return readSlotSchedule(Object.fromEntries(hash?.fields ?? []), new Map(slots?.members ?? []));
  };
  /** Writes what a schedule step changed, like the scripts: empty keys vanish, TTLs only when set. */
  const writeSchedule = (key: string, write: SlotScheduleWrite): void => {
    const [hashKey, slotsKey] = slotScheduleKeys(key);
    const expiry = (previous: Entry | undefined, ttlMs: number | undefined): number | null =>
      ttlMs !== undefined ? now() + ttlMs : (previous?.expiresAt ?? null);
    const hash = read(hashKey);
    if (write.fields && Object.keys(write.fields).length === 0) entries.delete(hashKey);
    else if (write.fields) {
      entries.set(hashKey, { kind: 'hash', fields: new Map(Object.entries(write.fields)), expiresAt: expiry(hash, write.hashTtlMs) });
    } else if (hash) hash.expiresAt = expiry(hash, write.hashTtlMs);
    const slots = read(slotsKey);
    if (write.slots && write.slots.size === 0) entries.delete(slotsKey);
    else if (write.slots) {
      entries.set(slotsKey, { kind: 'sorted-set', members: new Map(write.slots), expiresAt: expiry(slots, write.slotsTtlMs) });
    } else if (slots) slots.expiresAt = expiry(slots, write.slotsTtlMs);
  };

  function releaseLease(key: string, member: string): void {
    const entry = readSortedSet(key);
    if (!entry) return;
    entry.members.delete(member);
    if (entry.members.size === 0) entries.delete(key);
  }

  return {
    backend: 'memory',

    async get(key) {
      return readString(key)?.value ?? null;
    },

    async set(key, value, setOptions) {
      entries.set(key, { kind: 'string', value, expiresAt: expiryAfter(setOptions?.ttlMs) });
    },

    async setIfAbsent(key, value, ttlMs) {
      const expiresAt = expiryAfter(ttlMs);
      if (read(key)) return false;
      entries.set(key, { kind: 'string', value, expiresAt });
      return true;
    },

    async deleteIfEquals(key, expected) {
      if (readString(key)?.value !== expected) return false;
      entries.delete(key);
      return true;
    },

    async delete(...keys) {
      for (const key of keys) entries.delete(key);
    },

    async hashSet(key, fields) {
      const names = Object.keys(fields);
      if (names.length === 0) return;
      const entry = readHash(key) ?? { kind: 'hash', fields: new Map<string, string>(), expiresAt: null };
      for (const [name, value] of Object.entries(fields)) entry.fields.set(name, value);
      entries.set(key, entry);
    },

    async hashGetAll(key) {
      return Object.fromEntries(readHash(key)?.fields ?? []);
    },

    async hashDelete(key, ...fields) {
      const entry = readHash(key);
      if (!entry) return;
      for (const field of fields) entry.fields.delete(field);
      if (entry.fields.size === 0) entries.delete(key);
    },

    async reserveSlot(key, request) {
      const { reservation, write } = reserveSlotInSchedule(readSchedule(key), request, storeTtls.pacerIdleMs);
      if (write) writeSchedule(key, write);
      return reservation;
    },

    async cancelSlot(key, token) {
      writeSchedule(key, cancelSlotInSchedule(readSchedule(key), token));
    },

    async releaseSlot(key, release) {
      writeSchedule(key, releaseSlotInSchedule(readSchedule(key), release, storeTtls.pacerIdleMs));
    },

    async renewSlotHold(key, renewal) {
      const { renewed, write } = renewSlotHoldInSchedule(readSchedule(key), renewal, storeTtls.pacerIdleMs);
      if (write) writeSchedule(key, write);
      return renewed;
    },

    async acquireLease(key, lease) {
      const entry = readSortedSet(key) ?? { kind: 'sorted-set', members: new Map<string, number>(), expiresAt: null };
      const outcome = acquireLeaseInSet(entry.members, lease);
      if (outcome.acquired) {
        entry.expiresAt = now() + outcome.ttlMs;
        entries.set(key, entry);
      } else if (entry.members.size === 0) {
        entries.delete(key);
      }
      return outcome.acquired;
    },

    async releaseLease(key, member) {
      releaseLease(key, member);
    },

    async limitRate(key, limit, windowMs) {
      return limitSlidingWindow(
        {
          read: (counterKey) => Number.parseInt(readString(counterKey)?.value ?? '0', 10),
          increment: (counterKey, ttlMs) => {
            const entry = readString(counterKey);
            const count = Number.parseInt(entry?.value ?? '0', 10) + 1;
            const expiresAt = entry ? entry.expiresAt : now() + ttlMs;
            entries.set(counterKey, { kind: 'string', value: String(count), expiresAt });
            return count;
          },
        },
        { key, limit, windowMs, now: now() },
      );
    },

    async appendMetric(metric) {
      // Both keys are read (and type-checked) before either is written: atomic like the script.
      const list = readList(metric.listKey);
      const hash = readHash(metric.hashKey);
      const appended = appendMetricInMemory(list?.items ?? [], hash?.fields ?? new Map<string, string>(), metric);
      entries.set(metric.listKey, { kind: 'list', items: appended.list, expiresAt: now() + metric.listTtlMs });
      if (appended.hash.size > 0) {
        entries.set(metric.hashKey, { kind: 'hash', fields: appended.hash, expiresAt: now() + metric.hashTtlMs });
      }
      if (metric.releaseLease) releaseLease(metric.releaseLease.key, metric.releaseLease.member);
    },

    async listRange(key, start, stop) {
      const items = readList(key)?.items ?? [];
      // Redis LRANGE: negative indexes count from the end; both ends inclusive and clamped.
      const from = Math.max(0, start < 0 ? items.length + start : start);
      const to = Math.min(items.length - 1, stop < 0 ? items.length + stop : stop);
      return from > to ? [] : items.slice(from, to + 1);
    },

    async ping() {},
  };
}
