import { describe, expect, it } from 'vitest';
import { SESSION_POOL_DEFAULTS, type SessionPoolPolicy } from '@/lib/xipu/account/account-settings';
import { xipuAccountKeys } from '@/lib/xipu/account/account-keys';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import type { SessionSettings } from '@/lib/xipu/api/xipu-api';
import {
  abandonRefill,
  claimPooledSession,
  depositPooledSession,
  finishSession,
  readSessionPoolStatus,
  retirePooledSessions,
  sessionSettingsKey,
  type ClaimRequest,
  type FinishRequest,
} from '@/lib/xipu/sessions/session-pool';
import { createSessionRegistry } from '@/lib/xipu/sessions/session-registry';
import { STORE_BACKENDS, useStoreBackend } from '../../support/store-backends';

/**
 * The warm pool's store scripts (lib/xipu/sessions/session-pool.ts): claim, finish, deposit
 * and abandon, each a Lua script and its in-memory twin, run case by case on both stores so
 * the two never drift; and readSessionPoolStatus over what they leave. Every time is passed in
 * explicitly, so both stores see the same clock.
 */

const settings = (overrides: Partial<SessionSettings> = {}): SessionSettings => ({
  name: 'API · gpt-4.1 · test',
  model: 'gpt-4.1',
  temperature: 1,
  maxToken: 0,
  presencePenalty: 0,
  frequencyPenalty: 0,
  ...overrides,
});
/** The settings most cases use, and others that differ in one sampling setting or the model. */
const SAME = sessionSettingsKey(settings());
const WARMER = sessionSettingsKey(settings({ temperature: 0.7 }));
const OTHER_MODEL = sessionSettingsKey(settings({ model: 'deepseek-r1' }));

const LEASE_MS = 90_000;
const MARGIN_MS = SESSION_POOL_DEFAULTS.claimMarginMs;
const REFILL_LEASE_MS = SESSION_POOL_DEFAULTS.refillLeaseMs;
const LIFETIME_MS = SESSION_POOL_DEFAULTS.pooledLifetimeMs;
const POLICY: SessionPoolPolicy = { ...SESSION_POOL_DEFAULTS, size: 2, deleteBatchSize: 8 };

type RawRecord = Record<string, unknown>;

function decoded(raw: string): RawRecord | string {
  try {
    return JSON.parse(raw) as RawRecord;
  } catch {
    return raw;
  }
}

describe.each(STORE_BACKENDS)('the session pool scripts on %s', (_name, createBackend) => {
  const backend = useStoreBackend(createBackend);
  /** The account's two keys on this backend's own prefix (real Redis is shared between tests). */
  const account = (): AccountStore => ({
    accountId: 'pool-test',
    store: backend.store,
    keys: { ...xipuAccountKeys('pool-test'), upstreamSessions: backend.key('sessions'), sessionPoolStats: backend.key('pool-stats') },
  });

  const seed = (records: Record<string, RawRecord | string>) =>
    backend.store.hashSet(
      account().keys.upstreamSessions,
      Object.fromEntries(Object.entries(records).map(([field, record]) => [field, typeof record === 'string' ? record : JSON.stringify(record)])),
    );
  /** The registry, each record decoded (key order and number formatting differ between the stores' JSON). */
  const registry = async (): Promise<Record<string, RawRecord | string>> =>
    Object.fromEntries(Object.entries(await backend.store.hashGetAll(account().keys.upstreamSessions)).map(([field, raw]) => [field, decoded(raw)]));
  const stats = () => backend.store.hashGetAll(account().keys.sessionPoolStats);

  const pooled = (createdAt: number, settingsKey = SAME, more: RawRecord = {}): RawRecord => ({
    owner: 'pool',
    model: 'gpt-4.1',
    createdAt,
    leaseUntil: createdAt + LIFETIME_MS,
    state: 'pooled',
    settings: settingsKey,
    ...more,
  });
  const live = (owner: string, createdAt: number, leaseUntil: number): RawRecord => ({ owner, model: 'gpt-4.1', createdAt, leaseUntil, state: 'live' });
  /** What session-registry.ts wrote before the pool existed: no state. */
  const beforeThePool = (owner: string, createdAt: number, leaseUntil: number): RawRecord => ({ owner, model: 'gpt-4.1', createdAt, leaseUntil });

  const claim = (now: number, more: Partial<ClaimRequest> = {}) =>
    claimPooledSession(account(), { settingsKey: SAME, owner: 'req_claim', model: 'gpt-4.1', now, leaseMs: LEASE_MS, claimMarginMs: MARGIN_MS, ...more });
  const finish = (now: number, more: Partial<Omit<FinishRequest, 'policy'>> & { policy?: Partial<FinishRequest['policy']> } = {}) =>
    finishSession(account(), {
      sessionId: -1,
      settingsKey: SAME,
      model: 'gpt-4.1',
      now,
      refillToken: 'tok',
      ...more,
      policy: { ...POLICY, ...more.policy },
    });
  const refillsOf = (all: Record<string, unknown>) => Object.keys(all).filter((field) => field.startsWith('refill:')).sort();

  describe('claim', () => {
    it('takes the oldest pooled session with exactly these settings, makes it the request\'s live session, and counts hits and misses', async () => {
      const t = backend.now();
      // Inserted (and numbered) youngest first, so neither insertion nor id order is "oldest".
      await seed({ 11: pooled(t - 3_000), 12: pooled(t - 5_000), 13: pooled(t - 9_000, WARMER) });

      expect(await claim(t, { owner: 'req_first' })).toBe(12);
      expect((await registry())['12']).toEqual({ owner: 'req_first', model: 'gpt-4.1', createdAt: t, leaseUntil: t + LEASE_MS, state: 'live' });
      expect(await claim(t + 1, { owner: 'req_second' })).toBe(11);
      // Only the warmer one is left: not these settings.
      expect(await claim(t + 2, { owner: 'req_third' })).toBeUndefined();

      expect(await registry()).toEqual({
        11: { owner: 'req_second', model: 'gpt-4.1', createdAt: t + 1, leaseUntil: t + 1 + LEASE_MS, state: 'live' },
        12: { owner: 'req_first', model: 'gpt-4.1', createdAt: t, leaseUntil: t + LEASE_MS, state: 'live' },
        13: pooled(t - 9_000, WARMER),
      });
      expect(await stats()).toMatchObject({ hits: '2', misses: '1' });
      // The session registry reads a claimed session as an ordinary live one.
      expect((await createSessionRegistry(account(), () => t + 2, LEASE_MS).listExpired()).map((record) => record.id)).toEqual([]);
    });

    it('never takes a session of other settings, near the end of its shelf life, used, live, without a state, or a refill placeholder', async () => {
      const t = backend.now();
      const farAhead = t + LIFETIME_MS;
      const untouchable = {
        20: pooled(t - 1_000, WARMER),
        21: pooled(t - 1_000, OTHER_MODEL),
        22: pooled(t - 1_000, sessionSettingsKey(settings({ maxToken: 512 }))),
        // One millisecond short of the claim margin.
        23: pooled(t - LIFETIME_MS, SAME, { leaseUntil: t + MARGIN_MS - 1 }),
        24: { ...pooled(t - 1_000), state: 'used' },
        25: { ...live('req_other', t - 1_000, farAhead), settings: SAME },
        26: { ...beforeThePool('req_old', t - 1_000, farAhead), settings: SAME },
        // A placeholder is never a session, whatever its record says.
        'refill:tok:1': { state: 'pooled', settings: SAME, model: 'gpt-4.1', createdAt: t - 1_000, leaseUntil: farAhead },
        27: 'not json',
      };
      await seed(untouchable);
      const before = await registry();

      expect(await claim(t)).toBeUndefined();
      expect(await registry()).toEqual(before);
      expect(await stats()).toMatchObject({ misses: '1' });

      // Exactly the margin left is still enough.
      await seed({ 28: pooled(t - LIFETIME_MS, SAME, { leaseUntil: t + MARGIN_MS }) });
      expect(await claim(t)).toBe(28);
      expect(await stats()).toMatchObject({ misses: '1', hits: '1' });
    });

    it('20 claims at once against 2 pooled sessions: 2 distinct sessions, each to one claimer, and 18 misses', async () => {
      const t = backend.now();
      await seed({ 31: pooled(t - 2_000), 32: pooled(t - 1_000) });

      const owners = Array.from({ length: 20 }, (_, index) => `req_${index}`);
      const claimed = await Promise.all(owners.map((owner) => claim(t, { owner })));

      const hits = claimed.filter((id) => id !== undefined);
      expect(hits.sort()).toEqual([31, 32]);
      expect(claimed.filter((id) => id === undefined)).toHaveLength(18);
      const records = await registry();
      for (const id of [31, 32]) {
        const winner = owners[claimed.indexOf(id)];
        expect(records[String(id)]).toEqual({ owner: winner, model: 'gpt-4.1', createdAt: t, leaseUntil: t + LEASE_MS, state: 'live' });
      }
      expect(await stats()).toMatchObject({ hits: '2', misses: '18' });
    });
  });

  describe('finish', () => {
    it('retires the chat\'s session (state used, lease over now: pending a delete), keeping what it recorded', async () => {
      const t = backend.now();
      await seed({ 41: live('req_chat', t - 5_000, t + LEASE_MS), 42: pooled(t - 1_000), 43: pooled(t - 500) });

      const outcome = await finish(t, { sessionId: 41 });

      expect(outcome).toEqual({ retired: true, refills: 0, pending: 1, oldestPendingAt: t, size: 3, evicted: undefined });
      expect((await registry())['41']).toEqual({ owner: 'req_chat', model: 'gpt-4.1', createdAt: t - 5_000, leaseUntil: t, state: 'used' });
      // The sweep now sees it as expired, and only it.
      expect((await createSessionRegistry(account(), () => t, LEASE_MS).listExpired()).map((record) => record.id)).toEqual([41]);
      expect(await stats()).toEqual({ lastSettings: SAME });
    });

    it('reports retired:false for a session it has no record of, and records none', async () => {
      const t = backend.now();
      await seed({ 42: pooled(t - 1_000), 43: pooled(t - 500) });
      const outcome = await finish(t, { sessionId: 99 });
      expect(outcome).toMatchObject({ retired: false, refills: 0, pending: 0, size: 2 });
      expect(outcome.oldestPendingAt).toBeUndefined();
      expect(Object.keys(await registry()).sort()).toEqual(['42', '43']);
    });

    it('books what the pool lacks of its size (pooled + refilling), as placeholders refill:<token>:1..n', async () => {
      const t = backend.now();
      await seed({ 51: live('req_chat', t - 5_000, t + LEASE_MS), 52: pooled(t - 1_000) });

      const outcome = await finish(t, { sessionId: 51, refillToken: 'abc', policy: { size: 4 } });

      expect(outcome).toMatchObject({ retired: true, refills: 3, pending: 1, size: 5 });
      const records = await registry();
      expect(refillsOf(records)).toEqual(['refill:abc:1', 'refill:abc:2', 'refill:abc:3']);
      expect(records['refill:abc:2']).toEqual({ state: 'refilling', settings: SAME, model: 'gpt-4.1', leaseUntil: t + REFILL_LEASE_MS });

      // The placeholders count: the next chat's end books only what is still missing.
      await seed({ 53: live('req_next', t - 1_000, t + LEASE_MS) });
      expect(await finish(t + 10, { sessionId: 53, refillToken: 'def', policy: { size: 5 } })).toMatchObject({ refills: 1, pending: 2, size: 7 });
      expect(refillsOf(await registry())).toEqual(['refill:abc:1', 'refill:abc:2', 'refill:abc:3', 'refill:def:1']);
    });

    it('counts a pooled session near the end of its shelf life, and a record from before the pool, as missing from the pool', async () => {
      const t = backend.now();
      await seed({
        54: pooled(t - 1_000),
        55: pooled(t - LIFETIME_MS, SAME, { leaseUntil: t + MARGIN_MS - 1 }),
        56: { ...beforeThePool('req_streaming', t - 1_000, t + LEASE_MS), settings: SAME },
      });
      expect(await finish(t)).toMatchObject({ refills: 1, pending: 0, size: 4 });
    });

    it('books none at the bound, and no more than the bound leaves room for', async () => {
      const t = backend.now();
      await seed({ 61: live('a', t, t + LEASE_MS), 62: live('b', t, t + LEASE_MS), 63: live('c', t, t + LEASE_MS) });

      expect(await finish(t, { policy: { bound: 3 } })).toMatchObject({ refills: 0, size: 3 });
      expect(refillsOf(await registry())).toEqual([]);
      // One place left under the bound: one refill, though the pool lacks two.
      expect(await finish(t, { refillToken: 'one', policy: { bound: 4 } })).toMatchObject({ refills: 1, size: 4 });
      expect(refillsOf(await registry())).toEqual(['refill:one:1']);
    });

    it('books none without a pool (size 0), and then leaves the last settings alone', async () => {
      const t = backend.now();
      await seed({ 64: live('req_chat', t - 1_000, t + LEASE_MS) });
      expect(await finish(t, { sessionId: 64, policy: { size: 0 } })).toMatchObject({ retired: true, refills: 0, pending: 1, size: 1 });
      expect(refillsOf(await registry())).toEqual([]);
      expect(await stats()).toEqual({});
    });

    it('when the pool is full of other settings, evicts the oldest of them (now pending) and books one with these — once they missed twice in a row', async () => {
      const t = backend.now();
      await seed({ 71: pooled(t - 2_000, WARMER), 72: pooled(t - 6_000, OTHER_MODEL), 73: live('req_chat', t - 1_000, t + LEASE_MS) });

      // One miss of these settings: they may be a one-off (or rotate with others), no eviction.
      expect(await claim(t - 500)).toBeUndefined();
      expect(await finish(t - 400, { sessionId: -1, refillToken: 'once' })).toMatchObject({ refills: 0, pending: 0 });
      // Another miss in between (other settings) still breaks the row.
      expect(await claim(t - 300, { settingsKey: sessionSettingsKey(settings({ temperature: 0.1 })) })).toBeUndefined();
      expect(await claim(t - 200)).toBeUndefined();
      expect(await finish(t - 150, { sessionId: -1, refillToken: 'still-once' })).toMatchObject({ refills: 0 });
      // The second miss in a row: the pool makes room for them.
      expect(await claim(t - 100)).toBeUndefined();

      const outcome = await finish(t, { sessionId: 73, refillToken: 'evict' });

      expect(outcome).toEqual({ retired: true, refills: 1, pending: 2, oldestPendingAt: t, size: 4, evicted: 72 });
      const records = await registry();
      expect(records['72']).toEqual({ ...pooled(t - 6_000, OTHER_MODEL), state: 'used', leaseUntil: t });
      expect(records['71']).toEqual(pooled(t - 2_000, WARMER));
      expect(refillsOf(records)).toEqual(['refill:evict:1']);
      expect(records['refill:evict:1']).toMatchObject({ settings: SAME });
    });

    it('evicts nothing while the pool holds or refills one with these settings, or at the bound', async () => {
      const t = backend.now();
      await seed({ 74: pooled(t - 2_000, WARMER), 75: pooled(t - 6_000, SAME) });
      expect(await finish(t)).toMatchObject({ refills: 0, evicted: undefined, pending: 0 });

      await backend.store.hashDelete(account().keys.upstreamSessions, '75');
      await seed({ 'refill:busy:1': { state: 'refilling', settings: SAME, model: 'gpt-4.1', leaseUntil: t + 5_000 } });
      expect(await finish(t)).toMatchObject({ refills: 0, evicted: undefined, pending: 0, size: 2 });

      await backend.store.hashDelete(account().keys.upstreamSessions, 'refill:busy:1');
      await seed({ 76: pooled(t - 1_000, WARMER) });
      expect(await finish(t, { policy: { bound: 2 } })).toMatchObject({ refills: 0, evicted: undefined, pending: 0 });
      expect((await registry())['74']).toMatchObject({ state: 'pooled' });
    });

    it('drops placeholders whose lease lapsed (their instance died) and books their refills again', async () => {
      const t = backend.now();
      await seed({
        'refill:dead:1': { state: 'refilling', settings: SAME, model: 'gpt-4.1', leaseUntil: t - 1 },
        'refill:dead:2': { state: 'refilling', settings: SAME, model: 'gpt-4.1', leaseUntil: t },
        'refill:alive:1': { state: 'refilling', settings: SAME, model: 'gpt-4.1', leaseUntil: t + 1 },
      });

      expect(await finish(t, { refillToken: 'new' })).toMatchObject({ refills: 1, pending: 0, size: 2 });
      expect(refillsOf(await registry())).toEqual(['refill:alive:1', 'refill:new:1']);
    });

    it('counts as pending every session whose lease lapsed — used, stale pooled, a crashed instance\'s live one — with the oldest moment', async () => {
      const t = backend.now();
      await seed({
        81: { ...live('req_done', t - 20_000, t - 7_000), state: 'used' },
        82: pooled(t - LIFETIME_MS - 3_000),
        83: beforeThePool('req_crashed', t - 100_000, t - 5_000),
        84: live('req_crashed_too', t - 100_000, t - 4_000),
        85: live('req_streaming', t - 1_000, t + LEASE_MS),
        86: pooled(t - 1_000),
        87: live('req_chat', t - 2_000, t + LEASE_MS),
      });

      const outcome = await finish(t, { sessionId: 87 });

      // 81–84 lapsed, 87 ends now; 85 streams and 86 waits in the pool.
      expect(outcome).toMatchObject({ retired: true, pending: 5, oldestPendingAt: t - 7_000, size: 8, refills: 1 });
      expect(
        (await createSessionRegistry(account(), () => t, LEASE_MS).listExpired()).map((record) => record.id).sort(),
      ).toEqual([81, 82, 83, 84, 87]);
    });
  });

  describe('corrupt records', () => {
    it('a record without a lease only takes room: never pending (the sweep could not delete it), never pooled', async () => {
      const t = backend.now();
      await seed({ 91: 'not json', 92: JSON.stringify({ state: 'pooled', settings: SAME }), 93: live('req_chat', t - 2_000, t + LEASE_MS) });

      const outcome = await finish(t, { sessionId: 93 });

      // Three records and the two refills booked.
      expect(outcome).toMatchObject({ retired: true, pending: 1, oldestPendingAt: t, size: 5, refills: 2 });
      expect(await claim(t)).toBeUndefined();
    });
  });

  describe('deposit and abandon', () => {
    it('deposit: the placeholder becomes a pooled session with these settings and its shelf life, counted as a refill, claimable', async () => {
      const t = backend.now();
      await finish(t, { refillToken: 'dep', policy: { size: 1 } });
      expect(refillsOf(await registry())).toEqual(['refill:dep:1']);

      await depositPooledSession(account(), { refillToken: 'dep:1', sessionId: 91, settingsKey: SAME, model: 'gpt-4.1', now: t + 50, lifetimeMs: LIFETIME_MS });

      expect(await registry()).toEqual({
        91: { owner: 'pool', model: 'gpt-4.1', createdAt: t + 50, leaseUntil: t + 50 + LIFETIME_MS, state: 'pooled', settings: SAME },
      });
      expect(await stats()).toEqual({ lastSettings: SAME, refills: '1', lastRefillAt: String(t + 50) });
      expect(await claim(t + 60)).toBe(91);
    });

    it('abandon: the placeholder goes; a failure is recorded only when one is given', async () => {
      const t = backend.now();
      await finish(t, { refillToken: 'gone', policy: { size: 2 } });
      expect(refillsOf(await registry())).toEqual(['refill:gone:1', 'refill:gone:2']);

      await abandonRefill(account(), { refillTokens: ['gone:1'], now: t + 10 });
      expect(refillsOf(await registry())).toEqual(['refill:gone:2']);
      expect(await stats()).toEqual({ lastSettings: SAME });

      const longMessage = `会话数量已达上限 ${'x'.repeat(400)}`;
      await abandonRefill(account(), { refillTokens: ['gone:2'], now: t + 20, failure: longMessage });
      expect(await registry()).toEqual({});
      expect(await stats()).toEqual({ lastSettings: SAME, lastRefillError: longMessage.slice(0, 300), lastRefillErrorAt: String(t + 20), refillFailures: '1' });
    });

    it('abandon: several placeholders go in one command, a failure counted once', async () => {
      const t = backend.now();
      await finish(t, { refillToken: 'many', policy: { size: 3 } });
      expect(refillsOf(await registry())).toEqual(['refill:many:1', 'refill:many:2', 'refill:many:3']);
      await abandonRefill(account(), { refillTokens: ['many:2', 'many:3'], now: t + 5, failure: 'cap' });
      expect(refillsOf(await registry())).toEqual(['refill:many:1']);
      expect(await stats()).toMatchObject({ lastRefillError: 'cap', refillFailures: '1' });
    });
  });

  describe('release at the cap', () => {
    it('retires every pooled session still on its shelf into the delete queue, and nothing else', async () => {
      const t = backend.now();
      await seed({
        111: pooled(t - 2_000),
        112: pooled(t - 1_000, WARMER),
        113: live('req_streaming', t - 1_000, t + LEASE_MS),
        114: beforeThePool('req_old', t - 1_000, t + LEASE_MS),
        115: { ...live('req_done', t - 9_000, t - 8_000), state: 'used' },
        116: pooled(t - LIFETIME_MS - 4_000),
        'refill:r:1': { state: 'refilling', settings: SAME, model: 'gpt-4.1', leaseUntil: t + 1_000 },
      });
      const before = await registry();

      expect(await retirePooledSessions(account(), t)).toBe(2);

      expect(await registry()).toEqual({
        ...before,
        111: { ...pooled(t - 2_000), state: 'used', leaseUntil: t },
        112: { ...pooled(t - 1_000, WARMER), state: 'used', leaseUntil: t },
      });
      expect(await claim(t)).toBeUndefined();
      expect(
        (await createSessionRegistry(account(), () => t, LEASE_MS).listExpired()).map((record) => record.id).sort(),
      ).toEqual([111, 112, 115, 116]);
      expect(await retirePooledSessions(account(), t + 1)).toBe(0);
    });
  });

  describe('readSessionPoolStatus', () => {
    it('reports pooled (by model), refilling, in flight, pending deletes and the totals', async () => {
      const t = backend.now();
      await seed({
        101: pooled(t - 3_000),
        102: pooled(t - 2_000),
        103: pooled(t - 1_000, OTHER_MODEL, { model: 'deepseek-r1' }),
        // Too near its end to be claimed, not yet lapsed: neither pooled nor pending.
        104: pooled(t - LIFETIME_MS, SAME, { leaseUntil: t + 1_000 }),
        105: live('req_streaming', t - 1_000, t + LEASE_MS),
        106: beforeThePool('req_streaming_since_before_the_pool', t - 1_000, t + LEASE_MS),
        107: { ...live('req_done', t - 9_000, t - 8_000), state: 'used' },
        108: pooled(t - LIFETIME_MS - 4_000),
        'refill:a:1': { state: 'refilling', settings: SAME, model: 'gpt-4.1', leaseUntil: t + 1_000 },
        'refill:b:1': { state: 'refilling', settings: SAME, model: 'gpt-4.1', leaseUntil: t - 1 },
      });
      await backend.store.hashSet(account().keys.sessionPoolStats, { hits: '7', misses: '3', refills: '5', refillFailures: '1', lastRefillAt: String(t - 100) });

      expect(await readSessionPoolStatus(account(), POLICY, t)).toEqual({
        size: 2,
        pooled: 3,
        pooledByModel: [
          { model: 'deepseek-r1', count: 1 },
          { model: 'gpt-4.1', count: 2 },
        ],
        refilling: 1,
        inFlight: 2,
        pendingDeletes: 2,
        oldestPendingAt: t - 8_000,
        total: 9,
        bound: POLICY.bound,
        hits: 7,
        misses: 3,
        refills: 5,
        refillFailures: 1,
        lastRefillAt: t - 100,
        refillError: undefined,
      });
    });

    it('reports the refill error only while the last failure is newer than the last refill', async () => {
      const t = backend.now();
      const status = () => readSessionPoolStatus(account(), POLICY, t + 1_000);
      const deposit = (token: string, id: number, at: number) =>
        depositPooledSession(account(), { refillToken: token, sessionId: id, settingsKey: SAME, model: 'gpt-4.1', now: at, lifetimeMs: LIFETIME_MS });

      expect((await status()).refillError).toBeUndefined();
      await abandonRefill(account(), { refillTokens: ['x:1'], now: t, failure: 'cap reached' });
      expect((await status()).refillError).toEqual({ at: t, message: 'cap reached' });
      // A refill from before the failure does not clear it; one at the same moment does (the failure is not newer).
      await deposit('x:2', 201, t - 1);
      expect((await status()).refillError).toEqual({ at: t, message: 'cap reached' });
      await deposit('x:3', 202, t);
      expect((await status()).refillError).toBeUndefined();
      await abandonRefill(account(), { refillTokens: ['x:4'], now: t + 2, failure: 'cap again' });
      // A refill given up without a failure (it got no turn) changes nothing.
      await abandonRefill(account(), { refillTokens: ['x:5'], now: t + 3 });
      expect(await status()).toMatchObject({ refillError: { at: t + 2, message: 'cap again' }, refillFailures: 2, refills: 2, lastRefillAt: t });
    });
  });
});
