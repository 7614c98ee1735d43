import { z } from 'zod';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';

/** ZRANGE … WITHSCORES as a script, so a test reads a sorted set the same way on both stores. */
const READ_SORTED_SET_SCRIPT: StoreScript<Array<[member: string, score: number]>> = {
  name: 'readSortedSet',
  lua: `return redis.call("ZRANGE", KEYS[1], 0, -1, "WITHSCORES")`,
  inMemory: (redis, [key = '']) => redis.zRangeWithScores(key, 0, -1).flatMap(([member, score]) => [member, String(score)]),
  parse(reply) {
    const flat = z.array(z.string()).parse(reply);
    const members: Array<[string, number]> = [];
    for (let index = 0; index + 1 < flat.length; index += 2) members.push([flat[index] ?? '', Number(flat[index + 1])]);
    return members;
  },
};

/** A sorted set's members and scores, lowest score first; `[]` when the key is missing. */
export function readSortedSet(store: Store, key: string): Promise<Array<[member: string, score: number]>> {
  return store.run(READ_SORTED_SET_SCRIPT, [key], []);
}
