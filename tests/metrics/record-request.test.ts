import { describe, expect, it } from 'vitest';
import { appendMetric } from '@/lib/metrics/append-metric';
import { classifyRequestOutcome, countsAsError, type RequestOutcome } from '@/lib/metrics/classify-request-outcome';
import { readRecentRequests } from '@/lib/metrics/read-recent-requests';
import { readTrafficSeries } from '@/lib/metrics/read-traffic-series';
import { recordRequest, RECENT_REQUESTS_KEPT } from '@/lib/metrics/record-request';
import type { RequestRecord } from '@/lib/metrics/request-record';
import { storeKeys, storeTtls } from '@/lib/store/keys';
import { createMemoryStore } from '@/lib/store/memory-store';
import { countStoreCalls } from './count-store-calls';

const HOUR = 3_600_000;
/** 12:30 UTC: the current hour started at 12:00. */
const NOW = Date.UTC(2026, 10, 22, 12, 30);
const HOUR_START = Date.UTC(2026, 10, 22, 12, 0);

function createClock(start = NOW) {
  let time = start;
  return { now: () => time, advance: (ms: number) => void (time += ms) };
}

const record = (overrides: Partial<RequestRecord> = {}): RequestRecord => ({
  at: NOW,
  requestId: 'req_1',
  client: 'alice',
  model: 'gpt-4.1',
  status: 200,
  stream: true,
  finishReason: 'stop',
  ttftMs: 400,
  durationMs: 1_500,
  ...overrides,
});

describe('recordRequest', () => {
  it('is one store command: the record on the recent list and the hour’s counters', async () => {
    const clock = createClock();
    const counted = countStoreCalls(createMemoryStore({ now: clock.now }));
    await recordRequest(counted.store, record());
    expect(counted.calls).toEqual(['appendMetric']);

    const store = counted.store;
    expect(await store.listRange(storeKeys.metricsRecent, 0, -1)).toEqual([JSON.stringify(record())]);
    expect(await store.hashGetAll(storeKeys.metricsHour(HOUR_START))).toEqual({ requests: '1', errors: '0', ttftSumMs: '400', ttftCount: '1' });
  });

  it('counts errors and time to first token per hour', async () => {
    const store = createMemoryStore({ now: createClock().now });
    await recordRequest(store, record({ ttftMs: 300 }));
    await recordRequest(store, record({ ttftMs: 501.6 }));
    await recordRequest(store, record({ status: 502, error: 'upstream_error', ttftMs: undefined, finishReason: undefined }));
    await recordRequest(store, record({ status: 400, error: 'invalid_request_error', ttftMs: undefined, model: undefined }));
    await recordRequest(store, record({ status: 429, error: 'rate_limit_exceeded', ttftMs: undefined }));
    expect(await store.hashGetAll(storeKeys.metricsHour(HOUR_START))).toEqual({ requests: '5', errors: '2', ttftSumMs: '802', ttftCount: '2' });
  });

  it('keeps the newest RECENT_REQUESTS_KEPT records, newest first', async () => {
    const store = createMemoryStore({ now: createClock().now });
    for (let index = 0; index < RECENT_REQUESTS_KEPT + 5; index += 1) await recordRequest(store, record({ requestId: `req_${index}` }));
    const recent = await readRecentRequests(store, 1_000);
    expect(recent).toHaveLength(RECENT_REQUESTS_KEPT);
    expect(recent[0]?.requestId).toBe(`req_${RECENT_REQUESTS_KEPT + 4}`);
    expect(recent.at(-1)?.requestId).toBe('req_5');
    expect((await readRecentRequests(store, 3)).map((entry) => entry.requestId)).toEqual(['req_104', 'req_103', 'req_102']);
    expect(await readRecentRequests(store, 0)).toEqual([]);
  });

  it('lets the list and the hour expire after their TTLs', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    await recordRequest(store, record());
    clock.advance(storeTtls.metricsHourMs);
    expect(await store.hashGetAll(storeKeys.metricsHour(HOUR_START))).toEqual({});
    expect(await readRecentRequests(store, 10)).toHaveLength(1);
    clock.advance(storeTtls.metricsRecentMs - storeTtls.metricsHourMs);
    expect(await readRecentRequests(store, 10)).toEqual([]);
  });
});

describe('readRecentRequests', () => {
  it('skips entries that do not parse', async () => {
    const store = createMemoryStore({ now: createClock().now });
    await recordRequest(store, record({ requestId: 'req_good_1' }));
    for (const entry of ['not json', '{"at":"yesterday"}', 'null']) {
      await appendMetric(store, { listKey: storeKeys.metricsRecent, entry, maxLength: 10, listTtlMs: 60_000, hashKey: 'unused', increments: {}, hashTtlMs: 60_000 });
    }
    await recordRequest(store, record({ requestId: 'req_good_2' }));
    expect((await readRecentRequests(store, 10)).map((entry) => entry.requestId)).toEqual(['req_good_2', 'req_good_1']);
  });
});

describe('readTrafficSeries', () => {
  it('answers the last hours oldest first, with zeros and null averages for quiet hours', async () => {
    const store = createMemoryStore({ now: createClock().now });
    await recordRequest(store, record({ at: NOW, ttftMs: 200 }));
    await recordRequest(store, record({ at: HOUR_START, ttftMs: 401 }));
    await recordRequest(store, record({ at: HOUR_START - 1, status: 503, error: 'upstream_login_expired', ttftMs: undefined }));
    await recordRequest(store, record({ at: NOW - 2 * HOUR, ttftMs: 1_000 }));
    await recordRequest(store, record({ at: NOW - 30 * HOUR, ttftMs: 1_000 })); // outside the series

    const series = await readTrafficSeries(store, NOW, 4);
    expect(series).toEqual([
      { hourStart: HOUR_START - 3 * HOUR, requests: 0, errors: 0, ttftAvgMs: null },
      { hourStart: HOUR_START - 2 * HOUR, requests: 1, errors: 0, ttftAvgMs: 1_000 },
      { hourStart: HOUR_START - HOUR, requests: 1, errors: 1, ttftAvgMs: null },
      { hourStart: HOUR_START, requests: 2, errors: 0, ttftAvgMs: 301 },
    ]);
    const day = await readTrafficSeries(store, NOW);
    expect(day).toHaveLength(24);
    expect(day[0]?.hourStart).toBe(HOUR_START - 23 * HOUR);
    expect(day.reduce((sum, hour) => sum + hour.requests, 0)).toBe(4);
  });
});

describe('classifyRequestOutcome', () => {
  const ROWS: Array<[string, Pick<RequestRecord, 'status' | 'error'>, RequestOutcome, boolean]> = [
    ['an answer', { status: 200 }, 'succeeded', false],
    ['a stream that broke off after its 200', { status: 200, error: 'upstream_stream_interrupted' }, 'failed', true],
    ['a disconnect mid-stream', { status: 200, error: 'client_closed_request' }, 'rejected', false],
    ['a disconnect before the answer', { status: 499, error: 'client_closed_request' }, 'rejected', false],
    ['a bad request', { status: 400, error: 'invalid_request_error' }, 'rejected', false],
    ['an unknown model', { status: 404, error: 'model_not_found' }, 'rejected', false],
    ['a body too large', { status: 413, error: 'request_too_large' }, 'rejected', false],
    ['the client’s rate limit', { status: 429, error: 'rate_limit_exceeded' }, 'limited', true],
    ['the client’s concurrency cap', { status: 429, error: 'too_many_concurrent_requests' }, 'limited', true],
    ['XIPU rate limiting', { status: 429, error: 'upstream_rate_limited' }, 'failed', true],
    ['a full account queue', { status: 429, error: 'upstream_busy' }, 'failed', true],
    ['an expired login', { status: 503, error: 'upstream_login_expired' }, 'failed', true],
    ['an upstream timeout', { status: 504, error: 'upstream_timeout' }, 'failed', true],
    ['an internal error', { status: 500, error: 'internal_error' }, 'failed', true],
  ];
  it.each(ROWS)('%s → %s', (_label, outcome, expected, isError) => {
    expect(classifyRequestOutcome(outcome)).toBe(expected);
    expect(countsAsError(outcome)).toBe(isError);
  });
});
