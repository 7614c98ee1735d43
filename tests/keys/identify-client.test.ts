import { describe, expect, it } from 'vitest';
import { enforceClientLimits } from '@/lib/auth/enforce-client-limits';
import { identifyClient } from '@/lib/auth/identify-client';
import { parseConfig, type GatewayConfig } from '@/lib/config/env';
import { isGatewayError } from '@/lib/errors/gateway-error';
import { authorizeAdminRequest } from '@/lib/handlers/authorize-admin-request';
import { createManagedKey } from '@/lib/keys/create-managed-key';
import { readKeysUsage } from '@/lib/keys/read-keys-usage';
import { revokeManagedKey } from '@/lib/keys/update-managed-key';
import { settleKeyUsage } from '@/lib/keys/settle-key-usage';
import { storeKeys } from '@/lib/store/keys';
import { createMemoryStore } from '@/lib/store/memory-store';
import type { Store } from '@/lib/store/store';

/**
 * Who is calling, on the memory store (the scripts' in-memory twins): what each kind of key
 * costs in store commands, anonymous use with and without managed keys, and the daily quota's
 * reserve and settle arithmetic.
 */
function configOf(environment: Record<string, string>): GatewayConfig {
  const result = parseConfig(environment);
  if (!result.ok) throw new Error(result.problem.message);
  return result.config;
}

/** A memory store that counts every call made on it. */
function countingStore(): { store: Store; calls: () => number } {
  const inner = createMemoryStore();
  let count = 0;
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        count += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls: () => count };
}

async function failure(run: () => Promise<unknown>) {
  try {
    await run();
  } catch (error) {
    if (isGatewayError(error)) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const bearer = (key: string) => new Headers({ authorization: `Bearer ${key}` });
const NOW = Date.parse('2026-03-01T23:59:00Z');

describe('identifyClient', () => {
  it('matches an API_KEYS key with no store command, and looks any other key up in exactly one', async () => {
    const { store, calls } = countingStore();
    const config = configOf({ API_KEYS: 'alice:sk-alice-12345678' });
    expect((await identifyClient(bearer('sk-alice-12345678'), config, store, NOW)).name).toBe('alice');
    expect(calls()).toBe(0);
    const { key } = await createManagedKey(store, { name: 'bob' }, NOW);
    const before = calls();
    expect(await identifyClient(bearer(key), config, store, NOW)).toMatchObject({ name: 'bob', id: expect.stringMatching(/^key_/) });
    expect(calls() - before).toBe(1);
    expect(await failure(() => identifyClient(bearer('sk-unknown'), config, store, NOW))).toEqual({ status: 401, code: 'invalid_api_key' });
    expect(calls() - before).toBe(2);
  });

  it('keeps a gateway without keys open locally, and requires a key once a managed key exists', async () => {
    const store = createMemoryStore();
    const local = configOf({});
    expect((await identifyClient(new Headers(), local, store, NOW)).id).toBe('anonymous');
    expect((await identifyClient(bearer('sk-anything'), local, store, NOW)).id).toBe('anonymous');
    const { key, record } = await createManagedKey(store, { name: 'carol' }, NOW);
    expect(await failure(() => identifyClient(new Headers(), local, store, NOW))).toEqual({ status: 401, code: 'missing_api_key' });
    expect(await failure(() => identifyClient(bearer('sk-anything'), local, store, NOW))).toEqual({ status: 401, code: 'invalid_api_key' });
    expect((await identifyClient(bearer(key), local, store, NOW)).name).toBe('carol');
    await revokeManagedKey(store, record.id, NOW);
    expect(await failure(() => identifyClient(bearer(key), local, store, NOW))).toEqual({ status: 401, code: 'invalid_api_key' });
  });
});

describe('the daily quota', () => {
  it('reserves up front, settles to the tokens used on the day reserved, and counts usage', async () => {
    const store = createMemoryStore();
    const { record } = await createManagedKey(store, { name: 'dave', dailyTokens: 1000 }, NOW);
    const client = { name: 'dave', id: record.id, managed: { dailyTokens: 1000 } };
    const limits = { requestsPerMinute: 100, maxConcurrentPerKey: 10, maxRequestBytes: 1_000_000 };
    const lease = await enforceClientLimits(store, client, limits, 'req_1', () => NOW, { model: 'm', estimateTokens: () => 900 });
    expect(lease.reservation).toEqual({ keyId: record.id, day: '2026-03-01', tokens: 900 });
    expect(await failure(() => enforceClientLimits(store, client, limits, 'req_2', () => NOW, { model: 'm', estimateTokens: () => 200 }))).toEqual({ status: 429, code: 'insufficient_quota' });
    // Settled after midnight: the reserved day's counter is corrected, the usage counts on the new day.
    await settleKeyUsage(store, { keyId: record.id, promptTokens: 30, completionTokens: 70, at: NOW + 120_000, reservation: lease.reservation });
    expect(await store.get(storeKeys.managedKeyTokens(record.id, '2026-03-01'))).toBe('100');
    const usage = (await readKeysUsage(store, [record.id], NOW + 120_000)).get(record.id)!;
    expect(usage.today).toEqual({ requests: 1, promptTokens: 30, completionTokens: 70, errors: 0 });
    expect(usage.last30Days.requests).toBe(1);
  });
});

describe('authorizeAdminRequest', () => {
  it('answers 503 admin_password_not_configured when hosted without ADMIN_PASSWORD', async () => {
    const request = new Request('https://gw.example/api/admin/keys', { headers: { authorization: 'Bearer anything' } });
    expect(await failure(() => authorizeAdminRequest(request, { hosted: true, adminPassword: undefined }, NOW))).toEqual({ status: 503, code: 'admin_password_not_configured' });
  });
});
