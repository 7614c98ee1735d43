import { randomBytes } from 'node:crypto';
import { startRedisServer } from './redis-server';
import { startUpstashBridge, type UpstashBridge } from './upstash-bridge';

/** A real redis-server behind the Upstash REST bridge, as one handle. */
export interface RealRedisUpstash extends UpstashBridge {
  /** Port of the redis-server itself (for a second bridge, or raw RESP checks). */
  readonly redisPort: number;
}

/**
 * Starts redis-server on a free port and the Upstash REST bridge in front of it, with a
 * random token. Works under vitest (global-setup.ts) and from a plain `tsx` script (the
 * benchmark reads commandCount() for "Redis commands per chat"). `close()` stops both.
 * Throws (after cleaning up) when redis-server is missing or does not start.
 */
export async function startRealRedisUpstash(): Promise<RealRedisUpstash> {
  const redisServer = await startRedisServer();
  let bridge: UpstashBridge;
  try {
    bridge = await startUpstashBridge({ redisPort: redisServer.port, token: randomBytes(18).toString('base64url') });
  } catch (error) {
    await redisServer.stop();
    throw error;
  }
  return {
    url: bridge.url,
    token: bridge.token,
    redisPort: redisServer.port,
    commandCount: () => bridge.commandCount(),
    resetCount: () => bridge.resetCount(),
    async close() {
      try {
        await bridge.close();
      } finally {
        await redisServer.stop();
      }
    },
  };
}
