import { describe, expect, it } from 'vitest';
import { limitRate } from '@/lib/auth/limit-rate';
import { limitSlidingWindow } from '@/lib/auth/limit-sliding-window';
import { createUpstashStore } from '@/lib/store/upstash-store';
import { useHungServer } from '../support/hung-server';
import { createRedisBackend, STORE_BACKENDS, useStoreBackend } from '../support/store-backends';

/**
 * The per-key rate limit (lib/auth/limit-rate.ts): @upstash/ratelimit on Upstash, the same
 * sliding window as a script (lib/auth/limit-sliding-window.ts) on the memory store. The
 * script runs on both stores here, and on real Redis next to the library on the same keys.
 */
describe.each(STORE_BACKENDS)('rate limit on %s', (_name, createBackend) => {
  const backend = useStoreBackend(createBackend);
  const { key } = backend;

  it('allows up to the limit, then refuses until a reset in the future', async () => {
    // An hour-long window: a real-clock run cannot straddle a window edge in practice.
    const windowMs = 3_600_000;
    const limit = (name: string) => limitRate(backend.store, { key: key(name), limit: 3, windowMs, now: backend.now() });
    const results = [];
    for (let call = 0; call < 4; call += 1) results.push(await limit('r'));
    expect(results.map(({ allowed, remaining }) => ({ allowed, remaining }))).toEqual([
      { allowed: true, remaining: 2 },
      { allowed: true, remaining: 1 },
      { allowed: true, remaining: 0 },
      { allowed: false, remaining: 0 },
    ]);
    const refused = results[3];
    expect(refused?.resetAt).toBeGreaterThan(backend.now());
    expect(refused?.resetAt).toBeLessThanOrEqual(backend.now() + windowMs);
    expect((await limit('other')).allowed).toBe(true);
  });

  it('slides the window: the previous window counts by how much it still overlaps', async () => {
    const windowMs = 60_000;
    // The script takes the caller's clock, so a fake one drives it on real Redis too.
    let now = Date.UTC(2026, 10, 22, 12, 30, 0);
    const limit = () => limitSlidingWindow(backend.store, { key: key('rate'), limit: 4, windowMs, now });
    for (let call = 0; call < 4; call += 1) await limit();
    expect(await limit()).toEqual({ allowed: false, remaining: 0, resetAt: now + windowMs });
    // A quarter into the next window, 3 of the previous 4 calls still count: one call fits.
    now += windowMs + windowMs / 4;
    expect(await limit()).toMatchObject({ allowed: true, remaining: 0 });
    expect(await limit()).toMatchObject({ allowed: false });
    // Two windows later nothing counts any more.
    now += 2 * windowMs;
    expect(await limit()).toMatchObject({ allowed: true, remaining: 3 });
  });
});

describe('rate limit on Upstash (@upstash/ratelimit)', () => {
  const backend = useStoreBackend(createRedisBackend);

  it('counts like the memory store’s script, on the same keys', async () => {
    const request = () => ({ key: backend.key('r'), limit: 5, windowMs: 3_600_000, now: Date.now() });
    const library = () => limitRate(backend.store, request());
    const script = () => limitSlidingWindow(backend.store, request());
    const remaining = [];
    for (const limit of [library, script, library, script, library, script, library]) remaining.push((await limit()).remaining);
    expect(remaining).toEqual([4, 3, 2, 1, 0, 0, 0]);
    expect((await script()).allowed).toBe(false);
    expect((await library()).allowed).toBe(false);
  });

  describe('when Upstash hangs', () => {
    const hungServer = useHungServer();

    it('fails open after its timeout: the call is allowed', async () => {
      const store = createUpstashStore({ url: hungServer.url(), token: 't', retry: false, timeoutMs: 1_000 });
      const now = Date.now();
      const result = await limitRate(store, { key: 'limit-rate-test:hung', limit: 1, windowMs: 60_000, now }, { timeoutMs: 100 });
      expect(result).toEqual({ allowed: true, remaining: 0, resetAt: now });
    });
  });
});
