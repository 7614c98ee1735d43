import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { StoreScript } from '@/lib/store/store-script';
import { AWKWARD_VALUES, eventually, useStoreBackend, type StoreBackend } from '@/tests/support/store-backends';

/** LPUSH of every ARGV onto KEYS[1]; returns the list's length. */
const PUSH_SCRIPT: StoreScript<number> = {
  name: 'push',
  lua: `
for index = 1, #ARGV do
  redis.call("LPUSH", KEYS[1], ARGV[index])
end
return redis.call("LLEN", KEYS[1])
`,
  inMemory(redis, [key = ''], args) {
    return redis.lPush(key, ...args);
  },
  parse: (reply) => z.number().parse(reply),
};

/** Returns its KEYS, then its ARGV, as one array. */
const ECHO_SCRIPT: StoreScript<string[]> = {
  name: 'echo',
  lua: `
local reply = {}
for index = 1, #KEYS do reply[#reply + 1] = KEYS[index] end
for index = 1, #ARGV do reply[#reply + 1] = ARGV[index] end
return reply
`,
  inMemory: (_redis, keys, args) => [...keys, ...args],
  parse: (reply) => z.array(z.string()).parse(reply),
};

/** A reply of every kind a script returns, as Redis converts it: numbers whole, false to nil. */
const REPLY_KINDS_SCRIPT: StoreScript<unknown> = {
  name: 'replyKinds',
  lua: `return {1, "2", {3, "x"}, 2.7, false}`,
  inMemory: () => [1, '2', [3, 'x'], 2, null],
  parse: (reply) => reply,
};

/** SET KEYS[1] ARGV[1], then HGET on KEYS[2]. */
const WRITE_THEN_READ_HASH_SCRIPT: StoreScript<string | null> = {
  name: 'writeThenReadHash',
  lua: `
redis.call("SET", KEYS[1], ARGV[1])
return redis.call("HGET", KEYS[2], "field")
`,
  inMemory(redis, [written = '', hash = ''], [value = '']) {
    redis.set(written, value);
    return redis.hGet(hash, 'field');
  },
  parse: (reply) => z.string().nullable().parse(reply),
};

/**
 * The one behaviour every Store must have, run on memory and on real Redis (through the
 * Upstash bridge): the generic operations and the script runner. The algorithms built on
 * `run` have a suite each (tests/support/store-backends.ts lists them).
 */
export function runStoreContract(createBackend: () => Promise<StoreBackend>): void {
  describe('store contract', () => {
    const backend = useStoreBackend(createBackend);
    const { key } = backend;

    describe('strings', () => {
      it('answers null for a missing key and the value for a set one', async () => {
        expect(await backend.store.get(key('missing'))).toBeNull();
        await backend.store.set(key('a'), 'one');
        await backend.store.set(key('a'), 'two');
        expect(await backend.store.get(key('a'))).toBe('two');
      });

      it.each(AWKWARD_VALUES)('round-trips %s exactly', async (_label, value) => {
        await backend.store.set(key('value'), value);
        expect(await backend.store.get(key('value'))).toBe(value);
        await backend.store.hashSet(key('hash'), { [value.slice(0, 50) || 'empty']: value });
        expect(await backend.store.hashGetAll(key('hash'))).toEqual({ [value.slice(0, 50) || 'empty']: value });
      });

      it('expires a key after its TTL, and a later SET without TTL keeps it', async () => {
        await backend.store.set(key('short'), 'gone soon', { ttlMs: 40 });
        await backend.store.set(key('long'), 'stays', { ttlMs: 60_000 });
        await backend.store.set(key('reset'), 'first', { ttlMs: 40 });
        await backend.store.set(key('reset'), 'second');
        expect(await backend.store.get(key('short'))).toBe('gone soon');

        backend.letTimePass(41);
        await eventually(async () => expect(await backend.store.get(key('short'))).toBeNull());
        expect(await backend.store.get(key('long'))).toBe('stays');
        expect(await backend.store.get(key('reset'))).toBe('second');
      });

      it('rejects a TTL that is not a positive integer', async () => {
        await expect(backend.store.set(key('a'), 'v', { ttlMs: 0 })).rejects.toThrow();
        await expect(backend.store.setIfAbsent(key('b'), 'v', -5)).rejects.toThrow();
      });

      it('setIfAbsent creates only a missing key, and again once it expired', async () => {
        expect(await backend.store.setIfAbsent(key('lock'), 'owner-1', 40)).toBe(true);
        expect(await backend.store.setIfAbsent(key('lock'), 'owner-2', 40)).toBe(false);
        expect(await backend.store.get(key('lock'))).toBe('owner-1');

        backend.letTimePass(41);
        await eventually(async () => expect(await backend.store.setIfAbsent(key('lock'), 'owner-2', 60_000)).toBe(true));
        expect(await backend.store.get(key('lock'))).toBe('owner-2');
      });

      it('deleteIfEquals deletes only while the key holds the expected value', async () => {
        await backend.store.set(key('lock'), '0123');
        expect(await backend.store.deleteIfEquals(key('lock'), '123')).toBe(false);
        expect(await backend.store.get(key('lock'))).toBe('0123');
        expect(await backend.store.deleteIfEquals(key('lock'), '0123')).toBe(true);
        expect(await backend.store.get(key('lock'))).toBeNull();
        expect(await backend.store.deleteIfEquals(key('lock'), '0123')).toBe(false);
      });

      it('delete removes several keys of any kind, and nothing when given none', async () => {
        await backend.store.set(key('a'), '1');
        await backend.store.hashSet(key('b'), { f: '2' });
        await backend.store.set(key('c'), '3');
        await backend.store.delete();
        await backend.store.delete(key('a'), key('b'), key('missing'));
        expect(await backend.store.get(key('a'))).toBeNull();
        expect(await backend.store.hashGetAll(key('b'))).toEqual({});
        expect(await backend.store.get(key('c'))).toBe('3');
      });

      it('rejects reading a hash as a string (WRONGTYPE)', async () => {
        await backend.store.hashSet(key('hash'), { f: 'v' });
        await expect(backend.store.get(key('hash'))).rejects.toThrow(/WRONGTYPE/);
      });
    });

    describe('hashes', () => {
      it('sets, merges, reads and deletes fields; an emptied hash is gone', async () => {
        expect(await backend.store.hashGetAll(key('h'))).toEqual({});
        await backend.store.hashSet(key('h'), { a: '1', b: 'null', c: '{"x":[1]}' });
        await backend.store.hashSet(key('h'), { b: '0123', d: '' });
        await backend.store.hashSet(key('h'), {});
        expect(await backend.store.hashGetAll(key('h'))).toEqual({ a: '1', b: '0123', c: '{"x":[1]}', d: '' });

        await backend.store.hashDelete(key('h'), 'a', 'missing');
        await backend.store.hashDelete(key('h'));
        expect(await backend.store.hashGetAll(key('h'))).toEqual({ b: '0123', c: '{"x":[1]}', d: '' });
        await backend.store.hashDelete(key('h'), 'b', 'c', 'd');
        expect(await backend.store.hashGetAll(key('h'))).toEqual({});
        await backend.store.set(key('h'), 'a string now');
        expect(await backend.store.get(key('h'))).toBe('a string now');
      });
    });


    describe('lists', () => {
      it('listRange reads ranges like LRANGE: inclusive, negative from the end, clamped; [] when missing', async () => {
        await backend.store.run(PUSH_SCRIPT, [key('recent')], ['a', 'b', 'c', 'd', 'e']);
        // Newest first: e d c b a.
        expect(await backend.store.listRange(key('recent'), 0, 1)).toEqual(['e', 'd']);
        expect(await backend.store.listRange(key('recent'), 1, 3)).toEqual(['d', 'c', 'b']);
        expect(await backend.store.listRange(key('recent'), -2, -1)).toEqual(['b', 'a']);
        expect(await backend.store.listRange(key('recent'), 3, 100)).toEqual(['b', 'a']);
        expect(await backend.store.listRange(key('recent'), -100, 0)).toEqual(['e']);
        expect(await backend.store.listRange(key('recent'), 4, 2)).toEqual([]);
        expect(await backend.store.listRange(key('recent'), 5, 9)).toEqual([]);
        expect(await backend.store.listRange(key('missing'), 0, -1)).toEqual([]);
      });
    });

    describe('run', () => {
      it('hands the script its KEYS and ARGV (numbers as strings) and parses its reply', async () => {
        expect(await backend.store.run(ECHO_SCRIPT, [key('a'), key('b')], ['one', 2, 0.5, -3])).toEqual([key('a'), key('b'), 'one', '2', '0.5', '-3']);
        expect(await backend.store.run(ECHO_SCRIPT, [], [])).toEqual([]);
      });

      it.each(AWKWARD_VALUES)('passes %s through ARGV and back exactly', async (_label, value) => {
        expect(await backend.store.run(ECHO_SCRIPT, [], [value])).toEqual([value]);
      });

      it('replies as Redis converts a script’s reply: whole numbers, strings, nested arrays, nil', async () => {
        expect(await backend.store.run(REPLY_KINDS_SCRIPT, [], [])).toEqual([1, '2', [3, 'x'], 2, null]);
      });

      it('rejects a reply the script’s parser refuses', async () => {
        const strict: StoreScript<number> = { ...ECHO_SCRIPT, parse: (reply) => z.number().parse(reply) };
        await expect(backend.store.run(strict, [], ['x'])).rejects.toThrow();
      });

      it('rejects a command error inside the script (WRONGTYPE), and the writes before it stay, as in Redis', async () => {
        await backend.store.set(key('string'), 'not a hash');
        await expect(backend.store.run(WRITE_THEN_READ_HASH_SCRIPT, [key('written'), key('string')], ['kept'])).rejects.toThrow(/WRONGTYPE/);
        expect(await backend.store.get(key('written'))).toBe('kept');
        await backend.store.hashSet(key('hash'), { field: 'value' });
        expect(await backend.store.run(WRITE_THEN_READ_HASH_SCRIPT, [key('written'), key('hash')], ['again'])).toBe('value');
      });

      it('costs one command per run once the script is loaded', async () => {
        // A script this database has never seen: its first run may cost two (EVALSHA → NOSCRIPT → EVAL).
        const fresh: StoreScript<string[]> = { ...ECHO_SCRIPT, lua: `-- ${randomUUID()}\n${ECHO_SCRIPT.lua}` };
        expect(await backend.store.run(fresh, [], ['first'])).toEqual(['first']);
        expect(backend.commands()).toBeLessThanOrEqual(2);
        backend.resetCommands();
        await backend.store.run(fresh, [], ['second']);
        await backend.store.run(fresh, [], ['third']);
        expect(backend.commands()).toBe(2);
      });
    });

    it('answers ping', async () => {
      await expect(backend.store.ping()).resolves.toBeUndefined();
    });
  });
}
