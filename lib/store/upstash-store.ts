import { Redis } from '@upstash/redis';
import { z } from 'zod';
import { DELETE_IF_EQUALS_SCRIPT } from './delete-if-equals';
import type { UpstashStore } from './store';

export interface UpstashStoreOptions {
  /** REST URL (`UPSTASH_REDIS_REST_URL` / `KV_REST_API_URL`). */
  url: string;
  token: string;
  /** `false` turns off the client's retries of network errors (tests). */
  retry?: false;
  /** Bound on every HTTP call to Upstash; an unreachable or hung Upstash fails with an error. */
  timeoutMs?: number;
}

/**
 * Upstash answers in milliseconds; 3 s means it is down or unreachable, and a chat would
 * rather fail with an error than hang until the route's maxDuration.
 */
const DEFAULT_TIMEOUT_MS = 3_000;
/**
 * The client retries network errors (not timeouts) 5 times over ~4 s by default; two quick
 * retries ride out a dropped keep-alive connection without stretching a failure.
 */
const DEFAULT_RETRY = { retries: 2, backoff: (retryCount: number) => 50 * 2 ** retryCount };

/** What `redis.createScript` gives (the client does not export its type): EVALSHA, then EVAL on NOSCRIPT. */
type LoadedScript = { exec(keys: string[], args: string[]): Promise<unknown> };

const flatHashSchema = z.union([z.array(z.string()), z.record(z.string(), z.string()), z.null()]);
const listReplySchema = z.array(z.string());

/**
 * The Store on Upstash Redis over REST, shared by every instance. Values round-trip exactly
 * (`automaticDeserialization: false`: "0123", "null" and JSON text stay strings). Every
 * HTTP call is bounded by `timeoutMs` and rejects after it. `run` sends a script's Lua with
 * EVALSHA and falls back to EVAL on NOSCRIPT. Concurrent calls share one HTTP request
 * (auto-pipelining); each store call costs one Redis command, except a script's first use on
 * a fresh database (EVALSHA → NOSCRIPT → EVAL).
 */
export function createUpstashStore(options: UpstashStoreOptions): UpstashStore {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const redis = new Redis({
    url: options.url,
    token: options.token,
    automaticDeserialization: false,
    enableTelemetry: false,
    retry: options.retry ?? DEFAULT_RETRY,
    // A function: the client then calls it per request and throws on abort (a plain signal
    // would be shared by every request and turn an abort into a fake result).
    signal: () => AbortSignal.timeout(timeoutMs),
  });
  /** One client-side script (its SHA-1 computed once) per Lua text this store has run. */
  const scripts = new Map<string, LoadedScript>();
  const scriptFor = (lua: string): LoadedScript => {
    let script = scripts.get(lua);
    if (!script) {
      script = redis.createScript<unknown>(lua);
      scripts.set(lua, script);
    }
    return script;
  };
  const run: UpstashStore['run'] = async (script, keys, args) =>
    script.parse(await scriptFor(script.lua).exec([...keys], args.map(String)));

  return {
    backend: 'upstash',

    async get(key) {
      return await redis.get<string>(key);
    },

    async set(key, value, setOptions) {
      if (setOptions?.ttlMs === undefined) await redis.set(key, value);
      else await redis.set(key, value, { px: setOptions.ttlMs });
    },

    async setIfAbsent(key, value, ttlMs) {
      return (await redis.set(key, value, { nx: true, px: ttlMs })) === 'OK';
    },

    async deleteIfEquals(key, expected) {
      return await run(DELETE_IF_EQUALS_SCRIPT, [key], [expected]);
    },

    async delete(...keys) {
      if (keys.length > 0) await redis.del(...keys);
    },

    async hashSet(key, fields) {
      if (Object.keys(fields).length > 0) await redis.hset(key, fields);
    },

    async hashGetAll(key) {
      const reply = flatHashSchema.parse(await redis.hgetall(key));
      if (reply === null) return {};
      if (!Array.isArray(reply)) return reply;
      const fields: Record<string, string> = {};
      for (let index = 0; index + 1 < reply.length; index += 2) {
        fields[reply[index] as string] = reply[index + 1] as string;
      }
      return fields;
    },

    async hashDelete(key, ...fields) {
      if (fields.length > 0) await redis.hdel(key, ...fields);
    },

    async listRange(key, start, stop) {
      return listReplySchema.parse(await redis.lrange(key, start, stop));
    },

    run,

    async withClient(use) {
      return await use(redis);
    },

    async ping() {
      await redis.ping();
    },
  };
}
