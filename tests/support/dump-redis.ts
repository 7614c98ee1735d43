import type { RespClient, RespValue } from './resp-client';

/**
 * Every key and value in Redis as one text (a raw SCAN over RESP, past the store): what a
 * secret-scan checks, e.g. that no client key's text is stored anywhere (tests/keys, tests/admin).
 */
export async function dumpRedis(client: RespClient): Promise<string> {
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, names] = (await client.send(['SCAN', cursor, 'COUNT', '1000'])) as [Buffer, Buffer[]];
    cursor = next.toString();
    for (const nameBuffer of names) {
      const name = nameBuffer.toString();
      const type = String(await client.send(['TYPE', name]));
      const read: Record<string, string[]> = {
        string: ['GET', name],
        hash: ['HGETALL', name],
        list: ['LRANGE', name, '0', '-1'],
        set: ['SMEMBERS', name],
        zset: ['ZRANGE', name, '0', '-1', 'WITHSCORES'],
      };
      parts.push(name, flatten(read[type] ? await client.send(read[type]) : null));
    }
  } while (cursor !== '0');
  return parts.join('\n');
}

function flatten(value: RespValue): string {
  if (Array.isArray(value)) return value.map(flatten).join('\n');
  return value === null ? '' : String(value);
}
