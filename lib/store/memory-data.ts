/**
 * The in-memory store's data: Redis's four value kinds the gateway uses (strings, hashes,
 * sorted sets, lists), each key with an optional TTL, behind commands named after Redis's
 * own. An algorithm's in-memory twin (StoreScript.inMemory, lib/store/store-script.ts) runs
 * against this, so it reads like its Lua line by line: `redis.call("ZSCORE", key, member)`
 * is `redis.zScore(key, member)`.
 *
 * Redis semantics, as far as the gateway's scripts rely on them: values are exact strings;
 * a key expires lazily, on access, by the injected clock; emptied hashes, sorted sets and
 * lists disappear; using a key as the wrong kind throws WRONGTYPE (and, as in a Redis script,
 * the writes a twin made before the error stay). Counts (`number`) are whole numbers, as the
 * replies a Lua script gets.
 */
export interface MemoryData {
  /** DEL: removes the keys, of any kind. Returns how many existed. */
  del(...keys: string[]): number;
  /**
   * PEXPIRE: the key expires `ms` from now (≤ 0: at once). False when the key does not exist.
   * @throws when `ms` is not a whole number.
   */
  pExpire(key: string, ms: number): boolean;
  /** PTTL: ms until the key expires; -1 when it has no TTL, -2 when it does not exist. */
  pTtl(key: string): number;

  /** GET: null when missing. */
  get(key: string): string | null;
  /**
   * SET [PX ms] [NX]: true when written (with `nx`, only a missing key is). A SET without `px`
   * clears the key's TTL, like Redis.
   * @throws when `px` is not a whole number > 0 (checked before anything else).
   */
  set(key: string, value: string, options?: { px?: number; nx?: boolean }): boolean;
  /** INCRBY: a missing key counts from 0 (and gets no TTL). Returns the new value. */
  incrBy(key: string, increment: number): number;

  /** HGET: null when the field or the key is missing. */
  hGet(key: string, field: string): string | null;
  /** HMGET: one value (or null) per field, in order. */
  hmGet(key: string, ...fields: string[]): Array<string | null>;
  /** HSET: numbers are written as Redis writes a Lua number (`String`). Returns the fields added. */
  hSet(key: string, fields: Record<string, string | number>): number;
  /** HDEL: returns the fields removed. */
  hDel(key: string, ...fields: string[]): number;
  /** HGETALL, as a record: `{}` when missing. */
  hGetAll(key: string): Record<string, string>;
  /** HINCRBY: a missing field counts from 0. Returns the new value. */
  hIncrBy(key: string, field: string, increment: number): number;

  /** ZADD of one member: returns 1 when it was new, 0 when its score was updated. */
  zAdd(key: string, score: number, member: string): number;
  /** ZREM: returns the members removed. */
  zRem(key: string, ...members: string[]): number;
  /** ZSCORE: null when the member or the key is missing. */
  zScore(key: string, member: string): number | null;
  /** ZCARD: 0 when missing. */
  zCard(key: string): number;
  /**
   * ZRANGE … WITHSCORES by index (negative from the end, both ends inclusive), in Redis's
   * order: by score, then by member.
   */
  zRangeWithScores(key: string, start: number, stop: number): Array<[member: string, score: number]>;
  /** ZREMRANGEBYSCORE, both ends inclusive (`-Infinity` for "-inf"). Returns the members removed. */
  zRemRangeByScore(key: string, min: number, max: number): number;

  /** LPUSH: each value onto the head in turn. Returns the new length. */
  lPush(key: string, ...values: string[]): number;
  /** LTRIM to the items from `start` to `stop` (like lRange's indexes). */
  lTrim(key: string, start: number, stop: number): void;
  /** LRANGE: both ends inclusive, negative indexes from the end, clamped; `[]` when missing. */
  lRange(key: string, start: number, stop: number): string[];
}

type Entry =
  | { kind: 'string'; value: string; expiresAt: number | null }
  | { kind: 'hash'; fields: Map<string, string>; expiresAt: number | null }
  | { kind: 'sorted-set'; members: Map<string, number>; expiresAt: number | null }
  | { kind: 'list'; items: string[]; expiresAt: number | null };
type EntryOf<Kind extends Entry['kind']> = Extract<Entry, { kind: Kind }>;

const WRONG_TYPE_MESSAGE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const NOT_AN_INTEGER_MESSAGE = 'ERR value is not an integer or out of range';

/**
 * Lua's `tonumber` for what the gateway's scripts store (decimal numbers): null for a missing
 * value or text that is not a number, so `luaToNumber(text) ?? 0` reads as `tonumber(x) or 0`.
 */
export function luaToNumber(text: string | null): number | null {
  if (text === null || text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** Fresh, empty data; `now` (epoch ms) decides expiry, so tests can drive it. */
export function createMemoryData(now: () => number): MemoryData {
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
  /** The live entry of this kind, or undefined. @throws WRONGTYPE for another kind. */
  const readAs = <Kind extends Entry['kind']>(key: string, kind: Kind): EntryOf<Kind> | undefined => {
    const entry = read(key);
    if (entry && entry.kind !== kind) throw new Error(WRONG_TYPE_MESSAGE);
    return entry as EntryOf<Kind> | undefined;
  };
  /** The live entry of this kind, created (without TTL) when missing. */
  const writeAs = <Kind extends Entry['kind']>(key: string, kind: Kind, create: () => EntryOf<Kind>): EntryOf<Kind> => {
    const existing = readAs(key, kind);
    if (existing) return existing;
    const created = create();
    entries.set(key, created);
    return created;
  };
  /** Empty hashes, sorted sets and lists do not exist in Redis. */
  const dropWhenEmpty = (key: string, size: number): void => {
    if (size === 0) entries.delete(key);
  };
  /** HDEL / ZREM: removes the names from the key's fields or members; how many were there. */
  const removeEach = (key: string, collection: Map<string, unknown>, names: string[]): number => {
    const removed = names.filter((name) => collection.delete(name)).length;
    dropWhenEmpty(key, collection.size);
    return removed;
  };
  const wholeNumber = (value: number): number => {
    if (!Number.isSafeInteger(value)) throw new Error(NOT_AN_INTEGER_MESSAGE);
    return value;
  };
  const parseInteger = (text: string, message: string): number => {
    if (!/^-?\d+$/.test(text)) throw new Error(message);
    return Number(text);
  };
  /** Redis's index range over `length` items: [from, to] inclusive, or null when empty. */
  const indexRange = (length: number, start: number, stop: number): [number, number] | null => {
    const from = Math.max(0, start < 0 ? length + start : start);
    const to = Math.min(length - 1, stop < 0 ? length + stop : stop);
    return from > to ? null : [from, to];
  };
  const sortedMembers = (entry: EntryOf<'sorted-set'>): Array<[string, number]> =>
    [...entry.members].sort(
      ([firstMember, firstScore], [secondMember, secondScore]) =>
        firstScore - secondScore || (firstMember < secondMember ? -1 : firstMember > secondMember ? 1 : 0),
    );

  return {
    del(...keys) {
      let removed = 0;
      for (const key of keys) {
        if (read(key)) removed += 1;
        entries.delete(key);
      }
      return removed;
    },

    pExpire(key, ms) {
      wholeNumber(ms);
      const entry = read(key);
      if (!entry) return false;
      if (ms <= 0) entries.delete(key);
      else entry.expiresAt = now() + ms;
      return true;
    },

    pTtl(key) {
      const entry = read(key);
      if (!entry) return -2;
      return entry.expiresAt === null ? -1 : entry.expiresAt - now();
    },

    get(key) {
      return readAs(key, 'string')?.value ?? null;
    },

    set(key, value, options = {}) {
      if (options.px !== undefined && (!Number.isSafeInteger(options.px) || options.px <= 0)) {
        throw new Error(`ERR invalid expire time in 'set' command: ${options.px}`);
      }
      if (options.nx && read(key)) return false;
      entries.set(key, { kind: 'string', value, expiresAt: options.px === undefined ? null : now() + options.px });
      return true;
    },

    incrBy(key, increment) {
      wholeNumber(increment);
      const entry = writeAs(key, 'string', () => ({ kind: 'string', value: '0', expiresAt: null }));
      const value = parseInteger(entry.value, NOT_AN_INTEGER_MESSAGE) + increment;
      entry.value = String(value);
      return value;
    },

    hGet(key, field) {
      return readAs(key, 'hash')?.fields.get(field) ?? null;
    },

    hmGet(key, ...fields) {
      const entry = readAs(key, 'hash');
      return fields.map((field) => entry?.fields.get(field) ?? null);
    },

    hSet(key, fields) {
      const entry = writeAs(key, 'hash', () => ({ kind: 'hash', fields: new Map(), expiresAt: null }));
      let added = 0;
      for (const [field, value] of Object.entries(fields)) {
        if (!entry.fields.has(field)) added += 1;
        entry.fields.set(field, String(value));
      }
      dropWhenEmpty(key, entry.fields.size);
      return added;
    },

    hDel(key, ...fields) {
      const entry = readAs(key, 'hash');
      return entry ? removeEach(key, entry.fields, fields) : 0;
    },

    hGetAll(key) {
      return Object.fromEntries(readAs(key, 'hash')?.fields ?? []);
    },

    hIncrBy(key, field, increment) {
      wholeNumber(increment);
      const entry = writeAs(key, 'hash', () => ({ kind: 'hash', fields: new Map(), expiresAt: null }));
      const value = parseInteger(entry.fields.get(field) ?? '0', 'ERR hash value is not an integer') + increment;
      entry.fields.set(field, String(value));
      return value;
    },

    zAdd(key, score, member) {
      const entry = writeAs(key, 'sorted-set', () => ({ kind: 'sorted-set', members: new Map(), expiresAt: null }));
      const added = entry.members.has(member) ? 0 : 1;
      entry.members.set(member, score);
      return added;
    },

    zRem(key, ...members) {
      const entry = readAs(key, 'sorted-set');
      return entry ? removeEach(key, entry.members, members) : 0;
    },

    zScore(key, member) {
      return readAs(key, 'sorted-set')?.members.get(member) ?? null;
    },

    zCard(key) {
      return readAs(key, 'sorted-set')?.members.size ?? 0;
    },

    zRangeWithScores(key, start, stop) {
      const entry = readAs(key, 'sorted-set');
      if (!entry) return [];
      const sorted = sortedMembers(entry);
      const range = indexRange(sorted.length, start, stop);
      return range ? sorted.slice(range[0], range[1] + 1) : [];
    },

    zRemRangeByScore(key, min, max) {
      const entry = readAs(key, 'sorted-set');
      if (!entry) return 0;
      let removed = 0;
      for (const [member, score] of entry.members) {
        if (score >= min && score <= max) {
          entry.members.delete(member);
          removed += 1;
        }
      }
      dropWhenEmpty(key, entry.members.size);
      return removed;
    },

    lPush(key, ...values) {
      const entry = writeAs(key, 'list', () => ({ kind: 'list', items: [], expiresAt: null }));
      for (const value of values) entry.items.unshift(value);
      return entry.items.length;
    },

    lTrim(key, start, stop) {
      const entry = readAs(key, 'list');
      if (!entry) return;
      const range = indexRange(entry.items.length, start, stop);
      entry.items = range ? entry.items.slice(range[0], range[1] + 1) : [];
      dropWhenEmpty(key, entry.items.length);
    },

    lRange(key, start, stop) {
      const items = readAs(key, 'list')?.items ?? [];
      const range = indexRange(items.length, start, stop);
      return range ? items.slice(range[0], range[1] + 1) : [];
    },
  };
}
