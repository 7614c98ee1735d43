import { z } from 'zod';
import type { SessionPoolPolicy } from '@/lib/xipu/account/account-settings';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import type { SessionSettings } from '@/lib/xipu/api/xipu-api';
import type { StoreScript } from '@/lib/store/store-script';
import { luaToNumber, type MemoryData } from '@/lib/store/memory-data';

/**
 * The warm session pool and the queue of sessions waiting for a batched delete, kept in the
 * account's session registry (XipuAccountKeys.upstreamSessions) — one hash for every session
 * the gateway created, so "pool + in flight + pending deletes" is one count (HLEN) that the
 * 50-session cap (docs/xipu-protocol.md §4) is held against. A record's `state`:
 * - `live` (or none, as records written before the pool read): a request streams into it,
 *   under its owner's lease (session-registry.ts);
 * - `pooled`: created ahead with `settings`, never used; its lease is its shelf life. A
 *   request with the same settings claims it (CLAIM_POOLED_SESSION_SCRIPT: atomically, so
 *   never two requests on one session) while at least `claimMarginMs` of that lease is left;
 * - `used`: its chat is over; its lease ended at that moment, so it waits for the next
 *   batched delete (the sweep: sweep-expired-sessions.ts deletes every record whose lease
 *   has lapsed, in one delSession call).
 * A refill being created is a placeholder field `refill:<token>` with a short lease: counted
 * against the pool size and the bound, so several instances never overfill the pool.
 * Records whose lease lapsed — used ones, a crashed instance's live ones, stale pooled
 * ones — are the sweep's; a claim never takes a session near the end of its lease, and the
 * sweep never takes one before it, so the two never meet.
 *
 * The pool's totals (hits, misses, refills, the last refill error, the settings to refill
 * with) are a hash of their own (XipuAccountKeys.sessionPoolStats).
 */

/**
 * What must match for a pooled session to serve a request: everything saveSession fixes
 * (model and sampling settings), not the display name.
 */
export function sessionSettingsKey(settings: SessionSettings): string {
  return JSON.stringify([settings.model, settings.temperature, settings.maxToken, settings.presencePenalty, settings.frequencyPenalty]);
}

/** The settings a key stands for (to refill from the keep-alive), or undefined for a corrupt one. */
export function settingsFromKey(key: string, name: string): SessionSettings | undefined {
  const parsed = settingsKeySchema.safeParse(safeJson(key));
  if (!parsed.success) return undefined;
  const [model, temperature, maxToken, presencePenalty, frequencyPenalty] = parsed.data;
  return { name, model, temperature, maxToken, presencePenalty, frequencyPenalty };
}

const settingsKeySchema = z.tuple([z.string(), z.number(), z.number(), z.number(), z.number()]);

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function poolKeys(account: AccountStore): [registry: string, stats: string] {
  return [account.keys.upstreamSessions, account.keys.sessionPoolStats];
}

export const REFILL_FIELD_PREFIX = 'refill:';

// ---- claim -------------------------------------------------------------------------------

export interface ClaimRequest {
  settingsKey: string;
  /** The request that will stream into it. */
  owner: string;
  model: string;
  now: number;
  /** Its lease as a live session (SESSION_LEASE_MS). */
  leaseMs: number;
  claimMarginMs: number;
}

/**
 * Claims the oldest pooled session with these settings, turning it into the request's live
 * session under its lease, and counts a hit or a miss. One store command.
 * @returns the session id, or undefined on a miss.
 */
export async function claimPooledSession(account: AccountStore, request: ClaimRequest): Promise<number | undefined> {
  return await account.store.run(CLAIM_POOLED_SESSION_SCRIPT, poolKeys(account), [
    request.settingsKey,
    request.owner,
    request.model,
    ...[request.now, request.leaseMs, request.claimMarginMs].map((value) => String(Math.round(value))),
  ]);
}

/**
 * KEYS[1] the registry hash   KEYS[2] the pool's stats hash.
 * ARGV[1] settings key   ARGV[2] owner   ARGV[3] model   ARGV[4] now   ARGV[5] leaseMs
 * ARGV[6] claimMarginMs.   Returns the claimed id (a string) or nil.
 */
export const CLAIM_POOLED_SESSION_SCRIPT: StoreScript<number | undefined> = {
  name: 'claimPooledSession',
  lua: `
local settingsKey = ARGV[1]
local now         = tonumber(ARGV[4])
local leaseMs     = tonumber(ARGV[5])
local marginMs    = tonumber(ARGV[6])
local entries = redis.call("HGETALL", KEYS[1])
local best = nil
local bestCreated = 0
for index = 1, #entries, 2 do
  local field = entries[index]
  if tonumber(field) then
    local ok, record = pcall(cjson.decode, entries[index + 1])
    if ok and type(record) == "table" and record.state == "pooled" and record.settings == settingsKey
      and tonumber(record.leaseUntil) and tonumber(record.leaseUntil) - now >= marginMs then
      local created = tonumber(record.createdAt) or 0
      if best == nil or created < bestCreated then
        best = field
        bestCreated = created
      end
    end
  end
end
if best == nil then
  redis.call("HINCRBY", KEYS[2], "misses", 1)
  if redis.call("HGET", KEYS[2], "lastMissSettings") == settingsKey then
    redis.call("HSET", KEYS[2], "repeatMissSettings", settingsKey)
  end
  redis.call("HSET", KEYS[2], "lastMissSettings", settingsKey)
  return false
end
redis.call("HSET", KEYS[1], best, cjson.encode({owner = ARGV[2], model = ARGV[3], createdAt = now, leaseUntil = now + leaseMs, state = "live"}))
redis.call("HINCRBY", KEYS[2], "hits", 1)
return best
`,
  inMemory(redis, [registryKey = '', statsKey = ''], [settingsKey = '', owner = '', model = '', ...numbers]) {
    const [now, leaseMs, marginMs] = numbers.map(Number) as [number, number, number];
    let best: string | undefined;
    let bestCreated = 0;
    for (const [field, raw] of Object.entries(redis.hGetAll(registryKey))) {
      if (!isSessionField(field)) continue;
      const record = decodeRecord(raw);
      if (record?.state === 'pooled' && record.settings === settingsKey && (leaseOf(record) ?? -Infinity) - now >= marginMs) {
        const created = typeof record.createdAt === 'number' ? record.createdAt : 0;
        if (best === undefined || created < bestCreated) {
          best = field;
          bestCreated = created;
        }
      }
    }
    if (best === undefined) {
      redis.hIncrBy(statsKey, 'misses', 1);
      if (redis.hGet(statsKey, 'lastMissSettings') === settingsKey) {
        redis.hSet(statsKey, { repeatMissSettings: settingsKey });
      }
      redis.hSet(statsKey, { lastMissSettings: settingsKey });
      return null;
    }
    redis.hSet(registryKey, { [best]: JSON.stringify({ owner, model, createdAt: now, leaseUntil: now + leaseMs, state: 'live' }) });
    redis.hIncrBy(statsKey, 'hits', 1);
    return best;
  },
  parse(reply) {
    if (reply === null || reply === undefined || reply === false) return undefined;
    const id = Number(z.union([z.string(), z.number()]).parse(reply));
    if (!Number.isInteger(id)) throw new Error(`claimPooledSession: not a session id: ${String(reply)}`);
    return id;
  },
};

// ---- finish ------------------------------------------------------------------------------

export interface FinishRequest {
  /** The session whose chat is over (its lease ends now: it joins the delete queue); -1 for none. */
  sessionId: number;
  /** The chat's settings (SessionSettings via sessionSettingsKey): what to refill with. */
  settingsKey: string;
  model: string;
  now: number;
  policy: Pick<SessionPoolPolicy, 'size' | 'bound' | 'claimMarginMs' | 'refillLeaseMs'>;
  /** Names the refill's placeholder when one is asked for. */
  refillToken: string;
}

/** What the registry looks like once a chat's session joined the delete queue. */
export interface FinishOutcome {
  /** The session was in the registry and now waits for a delete (false: its record was lost; delete it directly). */
  retired: boolean;
  /**
   * Refills with the chat's settings booked (placeholders `refill:<token>:1…n`, refill tokens
   * `<token>:1…n`): create them, one after another.
   */
  refills: number;
  /** Sessions waiting for a delete (lease lapsed: used, stale pooled, a crashed instance's). */
  pending: number;
  /** When the oldest of them became deletable (epoch ms), when there are any. */
  oldestPendingAt?: number;
  /** Every session and refill the registry holds. */
  size: number;
  /** A pooled session of other settings that made room for these (now pending a delete). */
  evicted?: number;
}

/**
 * Ends a chat's session (state `used`, lease over: the next batched delete takes it) and
 * decides, atomically for every instance, how many sessions with this chat's settings the
 * pool gets: what it lacks of its size (pooled + refilling), or one when it is full but holds
 * none with these settings and these settings missed twice in a row (then the oldest pooled
 * one of other settings is retired for it: the pool follows settings that come back, and
 * does not churn on settings that rotate or come once) — never beyond the bound. Also drops refill placeholders whose lease lapsed.
 * One store command.
 */
export async function finishSession(account: AccountStore, request: FinishRequest): Promise<FinishOutcome> {
  const { policy } = request;
  return await account.store.run(FINISH_SESSION_SCRIPT, poolKeys(account), [
    String(request.sessionId),
    request.settingsKey,
    request.model,
    `${REFILL_FIELD_PREFIX}${request.refillToken}`,
    ...[request.now, policy.size, policy.bound, policy.claimMarginMs, policy.refillLeaseMs].map((value) => String(Math.round(value))),
  ]);
}

const finishReplySchema = z.tuple([z.number(), z.number(), z.number(), z.number(), z.union([z.string(), z.number()]), z.number()]);

/**
 * KEYS[1] the registry hash   KEYS[2] the pool's stats hash.
 * ARGV[1] session id ("" for none)   ARGV[2] settings key   ARGV[3] model   ARGV[4] refill field
 * ARGV[5] now   ARGV[6] pool size   ARGV[7] bound   ARGV[8] claimMarginMs   ARGV[9] refillLeaseMs.
 * Returns {refills, pending, oldestPendingAt or -1, size, evicted id or "", retired 0|1}.
 */
export const FINISH_SESSION_SCRIPT: StoreScript<FinishOutcome> = {
  name: 'finishSession',
  lua: `
local registry    = KEYS[1]
local sessionId   = ARGV[1]
local settingsKey = ARGV[2]
local now         = tonumber(ARGV[5])
local poolSize    = tonumber(ARGV[6])
local bound       = tonumber(ARGV[7])
local marginMs    = tonumber(ARGV[8])
local refillLease = tonumber(ARGV[9])

local function retire(field, record)
  record.state = "used"
  record.leaseUntil = now
  redis.call("HSET", registry, field, cjson.encode(record))
end

local retired = 0
if sessionId ~= "" then
  local raw = redis.call("HGET", registry, sessionId)
  if raw then
    local ok, record = pcall(cjson.decode, raw)
    if ok and type(record) == "table" then
      retire(sessionId, record)
      retired = 1
    end
  end
end

local entries = redis.call("HGETALL", registry)
local size, pooled, pooledSame, refilling, refillingSame, pending = 0, 0, 0, 0, 0, 0
local oldestPending = -1
local evict, evictRecord, evictCreated = nil, nil, 0
for index = 1, #entries, 2 do
  local field = entries[index]
  local ok, record = pcall(cjson.decode, entries[index + 1])
  if not ok or type(record) ~= "table" then record = {} end
  -- A record without a lease (corrupt) only takes room: the sweep could not delete it either.
  local leaseUntil = tonumber(record.leaseUntil)
  if string.sub(field, 1, 7) == "refill:" then
    if leaseUntil == nil or leaseUntil <= now then
      redis.call("HDEL", registry, field)
    else
      size = size + 1
      refilling = refilling + 1
      if record.settings == settingsKey then refillingSame = refillingSame + 1 end
    end
  else
    size = size + 1
    if leaseUntil ~= nil and leaseUntil <= now then
      pending = pending + 1
      if oldestPending < 0 or leaseUntil < oldestPending then oldestPending = leaseUntil end
    elseif leaseUntil ~= nil and record.state == "pooled" and leaseUntil - now >= marginMs then
      pooled = pooled + 1
      if record.settings == settingsKey then
        pooledSame = pooledSame + 1
      else
        local created = tonumber(record.createdAt) or 0
        if evict == nil or created < evictCreated then
          evict, evictRecord, evictCreated = field, record, created
        end
      end
    end
  end
end

local refill = 0
local evicted = ""
if poolSize > 0 and size < bound then
  if pooled + refilling < poolSize then
    refill = math.min(poolSize - pooled - refilling, bound - size)
  elseif pooledSame + refillingSame == 0 and evict ~= nil
    and redis.call("HGET", KEYS[2], "repeatMissSettings") == settingsKey then
    redis.call("HDEL", KEYS[2], "repeatMissSettings")
    retire(evict, evictRecord)
    evicted = evict
    pending = pending + 1
    if oldestPending < 0 or now < oldestPending then oldestPending = now end
    refill = 1
  end
end
for number = 1, refill do
  redis.call("HSET", registry, ARGV[4] .. ":" .. number, cjson.encode({state = "refilling", settings = settingsKey, model = ARGV[3], leaseUntil = now + refillLease}))
  size = size + 1
end
if poolSize > 0 then
  redis.call("HSET", KEYS[2], "lastSettings", settingsKey)
end
return {refill, pending, oldestPending, size, evicted, retired}
`,
  inMemory(redis, [registry = '', statsKey = ''], [sessionId = '', settingsKey = '', model = '', refillField = '', ...numbers]) {
    const [now, poolSize, bound, marginMs, refillLease] = numbers.map(Number) as [number, number, number, number, number];
    const retire = (field: string, record: PoolRecord) => {
      redis.hSet(registry, { [field]: JSON.stringify({ ...record, state: 'used', leaseUntil: now }) });
    };
    let retired = 0;
    if (sessionId !== '') {
      const raw = redis.hGet(registry, sessionId);
      const record = raw === null ? undefined : decodeRecord(raw);
      if (record) {
        retire(sessionId, record);
        retired = 1;
      }
    }
    let size = 0;
    let pooled = 0;
    let pooledSame = 0;
    let refilling = 0;
    let refillingSame = 0;
    let pending = 0;
    let oldestPending = -1;
    let evict: { field: string; record: PoolRecord; created: number } | undefined;
    for (const [field, raw] of Object.entries(redis.hGetAll(registry))) {
      const record = decodeRecord(raw) ?? {};
      // A record without a lease (corrupt) only takes room: the sweep could not delete it either.
      const leaseUntil = leaseOf(record);
      if (field.startsWith(REFILL_FIELD_PREFIX)) {
        if (leaseUntil === null || leaseUntil <= now) {
          redis.hDel(registry, field);
        } else {
          size += 1;
          refilling += 1;
          if (record.settings === settingsKey) refillingSame += 1;
        }
      } else {
        size += 1;
        if (leaseUntil !== null && leaseUntil <= now) {
          pending += 1;
          if (oldestPending < 0 || leaseUntil < oldestPending) oldestPending = leaseUntil;
        } else if (leaseUntil !== null && record.state === 'pooled' && leaseUntil - now >= marginMs) {
          pooled += 1;
          if (record.settings === settingsKey) {
            pooledSame += 1;
          } else {
            const created = typeof record.createdAt === 'number' ? record.createdAt : 0;
            if (evict === undefined || created < evict.created) evict = { field, record, created };
          }
        }
      }
    }
    let refill = 0;
    let evicted = '';
    if (poolSize > 0 && size < bound) {
      if (pooled + refilling < poolSize) {
        refill = Math.min(poolSize - pooled - refilling, bound - size);
      } else if (pooledSame + refillingSame === 0 && evict !== undefined && redis.hGet(statsKey, 'repeatMissSettings') === settingsKey) {
        redis.hDel(statsKey, 'repeatMissSettings');
        retire(evict.field, evict.record);
        evicted = evict.field;
        pending += 1;
        if (oldestPending < 0 || now < oldestPending) oldestPending = now;
        refill = 1;
      }
    }
    for (let number = 1; number <= refill; number += 1) {
      redis.hSet(registry, { [`${refillField}:${number}`]: JSON.stringify({ state: 'refilling', settings: settingsKey, model, leaseUntil: now + refillLease }) });
      size += 1;
    }
    if (poolSize > 0) redis.hSet(statsKey, { lastSettings: settingsKey });
    return [refill, pending, oldestPending, size, evicted, retired];
  },
  parse(reply) {
    const [refill, pending, oldestPendingAt, size, evicted, retired] = finishReplySchema.parse(reply);
    return {
      retired: retired === 1,
      refills: refill,
      pending,
      oldestPendingAt: oldestPendingAt >= 0 ? oldestPendingAt : undefined,
      size,
      evicted: evicted === '' ? undefined : Number(evicted),
    };
  },
};

// ---- deposit and abandon -----------------------------------------------------------------

export interface DepositRequest {
  refillToken: string;
  sessionId: number;
  settingsKey: string;
  model: string;
  now: number;
  lifetimeMs: number;
}

/** A refill's new session joins the pool (its placeholder goes); counted as a refill. One store command. */
export async function depositPooledSession(account: AccountStore, request: DepositRequest): Promise<void> {
  await account.store.run(DEPOSIT_POOLED_SESSION_SCRIPT, poolKeys(account), [
    `${REFILL_FIELD_PREFIX}${request.refillToken}`,
    String(request.sessionId),
    request.settingsKey,
    request.model,
    ...[request.now, request.lifetimeMs].map((value) => String(Math.round(value))),
  ]);
}

/**
 * KEYS[1] the registry hash   KEYS[2] the pool's stats hash.
 * ARGV[1] refill field   ARGV[2] session id   ARGV[3] settings key   ARGV[4] model   ARGV[5] now
 * ARGV[6] shelf life (ms).   Returns 1.
 */
export const DEPOSIT_POOLED_SESSION_SCRIPT: StoreScript<void> = {
  name: 'depositPooledSession',
  lua: `
local now = tonumber(ARGV[5])
redis.call("HDEL", KEYS[1], ARGV[1])
redis.call("HSET", KEYS[1], ARGV[2], cjson.encode({owner = "pool", model = ARGV[4], createdAt = now, leaseUntil = now + tonumber(ARGV[6]), state = "pooled", settings = ARGV[3]}))
redis.call("HINCRBY", KEYS[2], "refills", 1)
redis.call("HSET", KEYS[2], "lastRefillAt", now)
return 1
`,
  inMemory(redis, [registry = '', statsKey = ''], [refillField = '', sessionId = '', settingsKey = '', model = '', nowText = '0', lifetimeText = '0']) {
    const now = Number(nowText);
    redis.hDel(registry, refillField);
    redis.hSet(registry, {
      [sessionId]: JSON.stringify({ owner: 'pool', model, createdAt: now, leaseUntil: now + Number(lifetimeText), state: 'pooled', settings: settingsKey }),
    });
    redis.hIncrBy(statsKey, 'refills', 1);
    redis.hSet(statsKey, { lastRefillAt: now });
    return 1;
  },
  parse() {
    return undefined;
  },
};

/**
 * Refills that made no session: their placeholders go (one that failed and those booked after it). With a `failure` (XIPU refused it, e.g.
 * the session cap) the failure is recorded for the admin page and health; a refill that got
 * no turn (the account was busy) is no failure. One store command.
 */
export async function abandonRefill(account: AccountStore, request: { refillTokens: string[]; now: number; failure?: string }): Promise<void> {
  if (request.refillTokens.length === 0) return;
  await account.store.run(ABANDON_REFILL_SCRIPT, poolKeys(account), [
    String(Math.round(request.now)),
    (request.failure ?? '').slice(0, 300),
    ...request.refillTokens.map((token) => `${REFILL_FIELD_PREFIX}${token}`),
  ]);
}

/**
 * KEYS[1] the registry hash   KEYS[2] the stats hash.  ARGV[1] now   ARGV[2] failure or ""
 * ARGV[3…] the refill fields to drop.
 */
export const ABANDON_REFILL_SCRIPT: StoreScript<void> = {
  name: 'abandonRefill',
  lua: `
for index = 3, #ARGV do
  redis.call("HDEL", KEYS[1], ARGV[index])
end
if ARGV[2] ~= "" then
  redis.call("HSET", KEYS[2], "lastRefillError", ARGV[2], "lastRefillErrorAt", tonumber(ARGV[1]))
  redis.call("HINCRBY", KEYS[2], "refillFailures", 1)
end
return 1
`,
  inMemory(redis: MemoryData, [registry = '', statsKey = ''], [nowText = '0', failure = '', ...refillFields]) {
    for (const refillField of refillFields) redis.hDel(registry, refillField);
    if (failure !== '') {
      redis.hSet(statsKey, { lastRefillError: failure, lastRefillErrorAt: Number(nowText) });
      redis.hIncrBy(statsKey, 'refillFailures', 1);
    }
    return 1;
  },
  parse() {
    return undefined;
  },
};

// ---- release at the cap ------------------------------------------------------------------

/**
 * At XIPU's session cap, the pool's idle sessions are the first the gateway can give back (a
 * request that found none with its settings must not fail while the pool holds some): every
 * pooled session whose shelf life still runs is retired into the delete queue, so the sweep
 * that follows deletes it. Atomic against claims: a session a request has just claimed is
 * live, not pooled, and stays. One store command. @returns how many were retired.
 */
export async function retirePooledSessions(account: AccountStore, now: number): Promise<number> {
  return await account.store.run(RETIRE_POOLED_SESSIONS_SCRIPT, [account.keys.upstreamSessions], [String(Math.round(now))]);
}

/** KEYS[1] the registry hash.   ARGV[1] now.   Returns how many pooled sessions were retired. */
export const RETIRE_POOLED_SESSIONS_SCRIPT: StoreScript<number> = {
  name: 'retirePooledSessions',
  lua: `
local now = tonumber(ARGV[1])
local entries = redis.call("HGETALL", KEYS[1])
local retired = 0
for index = 1, #entries, 2 do
  local field = entries[index]
  if tonumber(field) then
    local ok, record = pcall(cjson.decode, entries[index + 1])
    if ok and type(record) == "table" and record.state == "pooled" and (tonumber(record.leaseUntil) or 0) > now then
      record.state = "used"
      record.leaseUntil = now
      redis.call("HSET", KEYS[1], field, cjson.encode(record))
      retired = retired + 1
    end
  end
end
return retired
`,
  inMemory(redis, [registry = ''], [nowText = '0']) {
    const now = Number(nowText);
    let retired = 0;
    for (const [field, raw] of Object.entries(redis.hGetAll(registry))) {
      if (!isSessionField(field)) continue;
      const record = decodeRecord(raw);
      if (record?.state === 'pooled' && (leaseOf(record) ?? 0) > now) {
        redis.hSet(registry, { [field]: JSON.stringify({ ...record, state: 'used', leaseUntil: now }) });
        retired += 1;
      }
    }
    return retired;
  },
  parse: (reply) => z.number().parse(reply),
};

// ---- status ------------------------------------------------------------------------------

/** The pool and the delete queue as the admin page and health show them. */
export interface SessionPoolStatus {
  /** SESSION_POOL_SIZE. */
  size: number;
  /** Claimable sessions, by model. */
  pooled: number;
  pooledByModel: Array<{ model: string; count: number }>;
  refilling: number;
  /** Sessions requests stream into now (lease running). */
  inFlight: number;
  /** Sessions waiting for a batched delete. */
  pendingDeletes: number;
  oldestPendingAt?: number;
  /** Every record, against the bound. */
  total: number;
  bound: number;
  hits: number;
  misses: number;
  refills: number;
  refillFailures: number;
  lastRefillAt?: number;
  /** The last refill XIPU refused, when it came after the last refill that worked: the pool cannot refill. */
  refillError?: { at: number; message: string };
}

/** Reads the pool's records and totals (two store commands). */
export async function readSessionPoolStatus(account: AccountStore, policy: SessionPoolPolicy, now: number): Promise<SessionPoolStatus> {
  const [registry, stats] = await Promise.all([account.store.hashGetAll(account.keys.upstreamSessions), account.store.hashGetAll(account.keys.sessionPoolStats)]);
  let pooled = 0;
  let refilling = 0;
  let inFlight = 0;
  let pendingDeletes = 0;
  let oldestPendingAt: number | undefined;
  const byModel = new Map<string, number>();
  for (const [field, raw] of Object.entries(registry)) {
    const record = decodeRecord(raw) ?? {};
    const leaseUntil = leaseOf(record);
    if (field.startsWith(REFILL_FIELD_PREFIX)) {
      if (leaseUntil !== null && leaseUntil > now) refilling += 1;
      continue;
    }
    if (leaseUntil === null) continue;
    if (leaseUntil <= now) {
      pendingDeletes += 1;
      oldestPendingAt = Math.min(oldestPendingAt ?? leaseUntil, leaseUntil);
    } else if (record.state === 'pooled') {
      if (leaseUntil - now >= policy.claimMarginMs) {
        pooled += 1;
        const model = typeof record.model === 'string' ? record.model : '?';
        byModel.set(model, (byModel.get(model) ?? 0) + 1);
      }
    } else if (record.state !== 'used') {
      inFlight += 1;
    }
  }
  return {
    size: policy.size,
    pooled,
    pooledByModel: [...byModel].map(([model, modelCount]) => ({ model, count: modelCount })).sort((a, b) => a.model.localeCompare(b.model)),
    refilling,
    inFlight,
    pendingDeletes,
    oldestPendingAt,
    total: Object.keys(registry).filter((field) => !field.startsWith(REFILL_FIELD_PREFIX)).length + refilling,
    bound: policy.bound,
    ...poolTotals(stats),
  };
}

/** The pool's totals: what its stats hash says about claims and refills. */
export type SessionPoolTotals = Pick<SessionPoolStatus, 'hits' | 'misses' | 'refills' | 'refillFailures' | 'lastRefillAt' | 'refillError'>;

/**
 * The pool's totals alone, without its records (one store command): enough to tell whether
 * the pool can refill (GET /api/health).
 */
export async function readSessionPoolTotals(account: AccountStore): Promise<SessionPoolTotals> {
  return poolTotals(await account.store.hashGetAll(account.keys.sessionPoolStats));
}

function poolTotals(stats: Record<string, string>): SessionPoolTotals {
  const count = (field: string) => {
    const value = Number(stats[field] ?? 0);
    return Number.isFinite(value) ? value : 0;
  };
  const lastRefillAt = stats.lastRefillAt === undefined ? undefined : count('lastRefillAt');
  const lastErrorAt = stats.lastRefillErrorAt === undefined ? undefined : count('lastRefillErrorAt');
  return {
    hits: count('hits'),
    misses: count('misses'),
    refills: count('refills'),
    refillFailures: count('refillFailures'),
    lastRefillAt,
    refillError:
      lastErrorAt !== undefined && (lastRefillAt === undefined || lastErrorAt > lastRefillAt)
        ? { at: lastErrorAt, message: stats.lastRefillError ?? '' }
        : undefined,
  };
}

/** The settings the keep-alive refills with: the last chat's (finishSession keeps them). */
export async function readLastPoolSettings(account: AccountStore): Promise<string | undefined> {
  return (await account.store.hashGetAll(account.keys.sessionPoolStats)).lastSettings;
}

interface PoolRecord {
  state?: unknown;
  settings?: unknown;
  model?: unknown;
  createdAt?: unknown;
  leaseUntil?: unknown;
  [field: string]: unknown;
}

function decodeRecord(raw: string): PoolRecord | undefined {
  const value = safeJson(raw);
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as PoolRecord) : undefined;
}

/** A session's field is its id (Lua's `tonumber(field)`); refills are `refill:<token>`. */
function isSessionField(field: string): boolean {
  return field.trim() !== '' && Number.isFinite(Number(field));
}

/** A record's lease as Lua's `tonumber(record.leaseUntil)` reads it: a number, or null for none. */
function leaseOf(record: PoolRecord): number | null {
  if (typeof record.leaseUntil === 'number') return Number.isFinite(record.leaseUntil) ? record.leaseUntil : null;
  return typeof record.leaseUntil === 'string' ? luaToNumber(record.leaseUntil) : null;
}
