import { describe, expect, it } from 'vitest';
import { createMemoryData, luaToNumber } from '@/lib/store/memory-data';

/**
 * The memory store's data model: the Redis behaviour the scripts' twins rely on, where the
 * algorithm suites (run on both stores) do not reach it. Each expectation is what
 * redis-server answers to the same command.
 */
function setup() {
  let time = 1_000_000;
  const redis = createMemoryData(() => time);
  return { redis, advance: (ms: number) => void (time += ms) };
}

describe('memory data', () => {
  it('keeps TTLs like Redis: PTTL -1 without, -2 when missing, SET clears, PEXPIRE ≤ 0 deletes', () => {
    const { redis, advance } = setup();
    expect(redis.pTtl('missing')).toBe(-2);
    expect(redis.pExpire('missing', 1_000)).toBe(false);
    redis.set('a', '1', { px: 500 });
    expect(redis.pTtl('a')).toBe(500);
    advance(499);
    expect(redis.get('a')).toBe('1');
    advance(1);
    expect(redis.get('a')).toBeNull();
    redis.set('b', '1', { px: 500 });
    redis.set('b', '2');
    expect(redis.pTtl('b')).toBe(-1);
    redis.incrBy('b', 1);
    redis.pExpire('b', 100);
    redis.incrBy('b', 1);
    expect(redis.pTtl('b')).toBe(100);
    expect(redis.pExpire('b', 0)).toBe(true);
    expect(redis.pTtl('b')).toBe(-2);
    expect(() => redis.pExpire('b', 2.5)).toThrow(/not an integer/);
  });

  it('SET NX writes only a missing key; a bad PX is refused before anything else', () => {
    const { redis } = setup();
    expect(redis.set('lock', 'first', { nx: true, px: 100 })).toBe(true);
    expect(redis.set('lock', 'second', { nx: true, px: 100 })).toBe(false);
    expect(redis.get('lock')).toBe('first');
    expect(() => redis.set('other', 'v', { px: 0 })).toThrow(/invalid expire time/);
    expect(() => redis.set('lock', 'v', { nx: true, px: -1 })).toThrow(/invalid expire time/);
  });

  it('throws WRONGTYPE for a key of another kind, and SET overwrites any kind', () => {
    const { redis } = setup();
    redis.hSet('hash', { field: 'v' });
    expect(() => redis.get('hash')).toThrow(/WRONGTYPE/);
    expect(() => redis.zAdd('hash', 1, 'm')).toThrow(/WRONGTYPE/);
    expect(() => redis.lPush('hash', 'x')).toThrow(/WRONGTYPE/);
    expect(() => redis.incrBy('hash', 1)).toThrow(/WRONGTYPE/);
    redis.set('hash', 'a string now');
    expect(redis.get('hash')).toBe('a string now');
  });

  it('counts only whole numbers (INCRBY, HINCRBY)', () => {
    const { redis } = setup();
    expect(redis.incrBy('n', 5)).toBe(5);
    redis.set('text', 'abc');
    expect(() => redis.incrBy('text', 1)).toThrow(/not an integer/);
    expect(() => redis.incrBy('n', 1.5)).toThrow(/not an integer/);
    expect(redis.hIncrBy('h', 'f', -3)).toBe(-3);
    redis.hSet('h', { g: '1.5' });
    expect(() => redis.hIncrBy('h', 'g', 1)).toThrow(/hash value is not an integer/);
  });

  it('drops hashes, sorted sets and lists once emptied', () => {
    const { redis } = setup();
    redis.hSet('h', { a: '1', b: 2 });
    expect(redis.hmGet('h', 'a', 'b', 'c')).toEqual(['1', '2', null]);
    expect(redis.hDel('h', 'a', 'b', 'missing')).toBe(2);
    expect(redis.pTtl('h')).toBe(-2);
    redis.zAdd('z', 1, 'm');
    expect(redis.zRem('z', 'm', 'other')).toBe(1);
    expect(redis.pTtl('z')).toBe(-2);
    redis.lPush('l', 'a');
    redis.lTrim('l', 1, -1);
    expect(redis.pTtl('l')).toBe(-2);
    expect(redis.del('h', 'z', 'l')).toBe(0);
  });

  it('orders sorted sets by score, then member, and ranges them like ZRANGE and ZREMRANGEBYSCORE', () => {
    const { redis } = setup();
    expect(redis.zAdd('z', 20, 'b')).toBe(1);
    redis.zAdd('z', 10, 'c');
    redis.zAdd('z', 20, 'a');
    expect(redis.zAdd('z', 30, 'c')).toBe(0);
    expect(redis.zRangeWithScores('z', 0, -1)).toEqual([['a', 20], ['b', 20], ['c', 30]]);
    expect(redis.zRangeWithScores('z', -1, -1)).toEqual([['c', 30]]);
    expect(redis.zRangeWithScores('z', 5, 9)).toEqual([]);
    expect(redis.zScore('z', 'b')).toBe(20);
    expect(redis.zScore('z', 'missing')).toBeNull();
    expect(redis.zRemRangeByScore('z', -Infinity, 20)).toBe(2);
    expect(redis.zCard('z')).toBe(1);
  });

  it('pushes onto the head and trims and ranges lists like LTRIM and LRANGE', () => {
    const { redis } = setup();
    expect(redis.lPush('l', 'a', 'b', 'c')).toBe(3);
    expect(redis.lRange('l', 0, -1)).toEqual(['c', 'b', 'a']);
    redis.lTrim('l', 0, 1);
    expect(redis.lRange('l', 0, -1)).toEqual(['c', 'b']);
    expect(redis.lRange('l', -100, 100)).toEqual(['c', 'b']);
    expect(redis.lRange('l', 1, 0)).toEqual([]);
    expect(redis.lRange('missing', 0, -1)).toEqual([]);
  });

  it('reads numbers as Lua’s tonumber does: null for missing or non-numeric text', () => {
    expect(luaToNumber('1700000000000')).toBe(1_700_000_000_000);
    expect(luaToNumber('-2.5')).toBe(-2.5);
    expect(luaToNumber(null)).toBeNull();
    expect(luaToNumber('')).toBeNull();
    expect(luaToNumber('abc')).toBeNull();
  });
});
