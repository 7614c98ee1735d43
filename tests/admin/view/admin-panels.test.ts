import { describe, expect, it } from 'vitest';
import { formatDuration, formatRelative } from '@/lib/admin/view/format-time';
import { describeLoginSteps } from '@/lib/xipu/credentials/login-progress';
import { maskSecret } from '@/lib/admin/view/mask-secret';
import { describeCredentialsPanel } from '@/lib/admin/view/panels/describe-credentials-panel';
import { describeLoginPanel } from '@/lib/admin/view/panels/describe-login-panel';
import { describePacerPanel } from '@/lib/admin/view/panels/describe-pacer-panel';
import { describeSessionPoolPanel } from '@/lib/admin/view/panels/describe-session-pool-panel';
import { describeSessionsPanel } from '@/lib/admin/view/panels/describe-sessions-panel';
import { readAdminStatus } from '@/lib/admin/view/read-admin-status';
import { describeTrafficPanel } from '@/lib/admin/view/panels/describe-traffic-panel';
import { describeCronSchedule, readDeploymentInfo } from '@/lib/admin/view/read-deployment-info';
import { layoutTrafficChart } from '@/lib/admin/view/traffic-chart';
import { parseConfig, type GatewayConfig } from '@/lib/config/env';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { AdminStatusView } from '@/app/admin/_components/admin-status-view';
import { buildGatewayContext } from '@/lib/gateway/build-gateway-context';
import { createMemoryStore } from '@/lib/store/memory-store';
import type { Store } from '@/lib/store/store';
import type { SessionPoolPolicy } from '@/lib/xipu/account/account-settings';
import { accountStore, type AccountStore } from '@/lib/xipu/account/account-store';
import { createSessionRegistry } from '@/lib/xipu/sessions/session-registry';
import { readSessionPoolStatus } from '@/lib/xipu/sessions/session-pool';
import { claim, endChat, POOL_SETTINGS, poolPolicy } from '../../support/session-pool-records';

const NOW = Date.UTC(2025, 4, 1, 12, 0, 0);
const HOUR = 3_600_000;

function config(environment: Record<string, string> = {}): GatewayConfig {
  const parsed = parseConfig({ JM_TOKEN: 'jm-token-value-123456', SDP_SESSION: 'sdp-session-value-123456', ...environment });
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.config;
}

const credentials = (expiresIn: number | undefined, origin: StoredCredentials['origin'] = 'login'): StoredCredentials => ({
  jmToken: 'eyJhbGciOiJIUzI1NiJ9.payload.signature-abcd',
  sdpSession: 'sdp-session-0123456789',
  origin,
  issuedAt: expiresIn === undefined ? undefined : NOW - 12 * HOUR,
  expiresAt: expiresIn === undefined ? undefined : NOW + expiresIn,
});

describe('credentials panel', () => {
  const withLogin = config({ XJTLU_USERNAME: 'student', XJTLU_PASSWORD: 'secret' });
  it.each([
    ['none, login on', withLogin, undefined, 'red', 'No XIPU credentials yet'],
    ['none, login off', config(), undefined, 'red', 'set JM_TOKEN'],
    ['expired', withLogin, credentials(-5 * 60_000), 'red', 'Expired 5 min ago'],
    ['within the refresh margin, login on', withLogin, credentials(10 * 60_000), 'amber', 'a refresh login is due'],
    ['expiring within a day, nothing refreshes it', config(), credentials(5 * HOUR, 'env'), 'amber', 'nothing refreshes it'],
    ['valid for days', withLogin, credentials(3 * 24 * HOUR), 'green', 'Valid for 3 d'],
    ['not a JWT', config(), credentials(undefined, 'manual'), 'green', 'expiry is unknown'],
  ])('%s', (_, gatewayConfig, current, level, reason) => {
    const panel = describeCredentialsPanel({ config: gatewayConfig, credentials: current, now: NOW });
    expect(panel.level).toBe(level);
    expect(panel.reason).toContain(reason);
    if (current) {
      expect(JSON.stringify(panel)).not.toContain(current.jmToken);
      expect(JSON.stringify(panel)).not.toContain(current.sdpSession);
    }
  });
});

describe('login panel', () => {
  const withLogin = config({ XJTLU_USERNAME: 'student', XJTLU_PASSWORD: 'secret' });
  it('a failure with back-off is red and says the step, the message and when the next attempt is', () => {
    const panel = describeLoginPanel({
      config: withLogin,
      state: { outcome: 'failure', attemptedAt: NOW - 120_000, durationMs: 9_000, failedStep: 'submit-login', message: 'wrong password', consecutiveFailures: 2, nextAttemptAt: NOW + 60_000 },
      screenshotAvailable: true,
      credentialsUsable: false,
      now: NOW,
    });
    expect(panel).toMatchObject({ level: 'red', backoffUntil: NOW + 60_000, screenshotAvailable: true });
    expect(panel.reason).toBe('Failed at step submit-login 2 min ago (2 in a row): wrong password. Backed off: next automatic attempt in 1 min.');
  });

  it('a login running from the admin page is amber with its current step', () => {
    const panel = describeLoginPanel({
      config: withLogin,
      progress: { startedAt: NOW, status: 'running', steps: [{ step: 'open-portal', status: 'started', elapsedMs: 900 }] },
      screenshotAvailable: false,
      credentialsUsable: true,
      now: NOW,
    });
    expect(panel.reason).toBe('A login is running (step open-portal: started).');
  });

  it('the step list covers every step in order', () => {
    const rows = describeLoginSteps(['launch-browser', 'open-portal', 'fill-credentials'], {
      startedAt: NOW,
      status: 'running',
      steps: [
        { step: 'launch-browser', status: 'started', elapsedMs: 0 },
        { step: 'launch-browser', status: 'done', elapsedMs: 1_234 },
        { step: 'open-portal', status: 'started', elapsedMs: 1_240 },
      ],
    });
    expect(rows).toEqual([
      { step: 'launch-browser', state: 'done', label: 'done at 1.2 s' },
      { step: 'open-portal', state: 'running', label: 'running…' },
      { step: 'fill-credentials', state: 'pending', label: 'waiting' },
    ]);
  });
});

describe('pacer panel', () => {
  const gateway = config({ UPSTREAM_MIN_GAP_MS: '1000', UPSTREAM_ANSWER_ALLOWANCE_MS: '250', PACER_MAX_WAIT_MS: '30000' });
  it.each([
    ['an idle schedule', { waitMs: 0 }, 0, 0, 'green'],
    ['three calls ahead', { waitMs: 3_750 }, 3_750, 3, 'green'],
    ['a long queue', { waitMs: 15_000 }, 15_000, 12, 'amber'],
    ['nearly full', { waitMs: 28_000 }, 28_000, 23, 'red'],
  ])('%s', (_, start, waitMs, waiting, level) => {
    expect(describePacerPanel({ config: gateway, start, now: NOW })).toMatchObject({ waitMs, waitingEstimate: waiting, level });
  });

  it('shows a stream holding the account, and ignores a hold that has ended', () => {
    expect(describePacerPanel({ config: gateway, start: { waitMs: 4_000, holdUntil: NOW + 4_000 }, now: NOW })).toMatchObject({ holdUntil: NOW + 4_000 });
    expect(describePacerPanel({ config: gateway, start: { waitMs: 0, holdUntil: NOW - 1 }, now: NOW }).holdUntil).toBeUndefined();
  });
});

describe('sessions panel', () => {
  const record = (id: number, leaseFromNow: number) => ({ id, owner: 'req_abc', model: 'gpt-4.1', createdAt: NOW - 60_000, leaseUntil: NOW + leaseFromNow });
  it.each([
    ['nothing recorded', [], 'green'],
    ['one open', [record(123456, 30_000)], 'green'],
    ['one left behind', [record(123456, 30_000), record(654321, -1)], 'amber'],
    ['twenty left behind', Array.from({ length: 20 }, (_, index) => record(100_000 + index, -1)), 'red'],
  ] as Array<[string, Array<ReturnType<typeof record>>, string]>)('%s', (_, records, level) => {
    const panel = describeSessionsPanel({ records, leaseMs: 90_000, deleteBatchSize: 1, now: NOW });
    expect(panel.level).toBe(level);
    for (const session of [...panel.open, ...panel.expired]) expect(session.maskedId).toMatch(/^\d\d…\d\d$/);
    expect(JSON.stringify(panel)).not.toContain('123456');
  });

  it('with batched deletes, ended sessions short of a batch are the queue filling up, not left behind', async () => {
    const account = accountStore(createMemoryStore({ now: () => NOW }));
    const policy = poolPolicy();
    await endChat(account, { sessionId: 101, now: NOW - 20_000, policy, newIds: [201, 202] });
    await endChat(account, { sessionId: 102, now: NOW - 10_000, policy, newIds: [203] });
    const records = await createSessionRegistry(account, () => NOW).list();
    const waiting = describeSessionsPanel({ records, leaseMs: 90_000, deleteBatchSize: policy.deleteBatchSize, now: NOW });
    expect(waiting).toMatchObject({ level: 'green', deleteBatchSize: 8 });
    expect(waiting.expired).toHaveLength(2);
    expect(waiting.reason).toContain('2 waiting for the next batched delete');
    expect(describeSessionsPanel({ records, leaseMs: 90_000, deleteBatchSize: 2, now: NOW }).level).toBe('amber');
  });
});

describe('session pool panel', () => {
  const MESSAGE = '会话数量已达上限 (session limit reached)';
  const poolPanel = async (policy: SessionPoolPolicy, write: (account: AccountStore) => Promise<void>) => {
    const account = accountStore(createMemoryStore({ now: () => NOW }));
    await write(account);
    return describeSessionPoolPanel({ status: await readSessionPoolStatus(account, policy, NOW), policy, now: NOW });
  };

  it('a working pool: ready sessions by model, in flight, the delete queue against its batch, hits and misses', async () => {
    const policy = poolPolicy();
    const panel = await poolPanel(policy, async (account) => {
      await endChat(account, { sessionId: 101, now: NOW - 90_000, policy, newIds: [201, 202] });
      expect(await claim(account, { now: NOW - 30_000, policy, owner: 'req_hit' })).toBe(201);
      expect(await claim(account, { now: NOW - 20_000, policy, owner: 'req_miss', settings: { ...POOL_SETTINGS, model: 'deepseek-r1' } })).toBeUndefined();
    });
    expect(panel).toMatchObject({ level: 'green', policy: { size: 2, deleteBatchSize: 8, bound: 40 }, hitRate: 0.5 });
    expect(panel.status).toMatchObject({
      pooledByModel: [{ model: 'gpt-4.1', count: 1 }],
      refilling: 0,
      inFlight: 1,
      pendingDeletes: 1,
      oldestPendingAt: NOW - 90_000,
      total: 3,
      hits: 1,
      misses: 1,
      refills: 2,
      refillFailures: 0,
      lastRefillAt: NOW - 90_000,
    });
    expect(panel.status?.refillError).toBeUndefined();
    expect(panel.reason).toBe('1 of 2 ready; hit rate 50 % (1 of 2). 1 waiting for a delete (batches of 8).');
  });

  it('XIPU refused the refills: amber with its message, saying chats still work', async () => {
    const policy = poolPolicy();
    const panel = await poolPanel(policy, (account) => endChat(account, { sessionId: 101, now: NOW - 120_000, policy, refused: MESSAGE }));
    expect(panel.level).toBe('amber');
    expect(panel.status).toMatchObject({ pooled: 0, refillFailures: 1, refillError: { at: NOW - 120_000, message: MESSAGE } });
    expect(panel.reason).toBe(`Cannot refill: XIPU refused the last refill 2 min ago (${MESSAGE}). Chats still work, each creating its own session.`);
  });

  it('a refill that worked after a refused one clears the warning (the count of refusals stays)', async () => {
    const policy = poolPolicy();
    const panel = await poolPanel(policy, async (account) => {
      await endChat(account, { sessionId: 101, now: NOW - 120_000, policy, refused: MESSAGE });
      await endChat(account, { sessionId: 102, now: NOW - 60_000, policy, newIds: [201, 202] });
    });
    expect(panel.level).toBe('green');
    expect(panel.status).toMatchObject({ pooled: 2, refillFailures: 1, refills: 2 });
    expect(panel.status?.refillError).toBeUndefined();
    expect(panel.reason).toContain('2 of 2 ready; no claim yet.');
  });

  it('at the bound: amber, no refill until the queue is deleted', async () => {
    const policy = poolPolicy({ bound: 3 });
    const panel = await poolPanel(policy, (account) => endChat(account, { sessionId: 101, now: NOW - 10_000, policy, newIds: [201, 202] }));
    expect(panel).toMatchObject({ level: 'amber', status: { total: 3, bound: 3 } });
    expect(panel.reason).toContain('at the bound of 3');
  });

  it('off: green, says so, and an old refusal from when it was on is no warning', async () => {
    const on = poolPolicy();
    const off = poolPolicy({ size: 0, deleteBatchSize: 1 });
    const panel = await poolPanel(off, async (account) => {
      await endChat(account, { sessionId: 101, now: NOW - HOUR, policy: on, refused: MESSAGE });
      await endChat(account, { sessionId: 102, now: NOW - 10_000, policy: off });
    });
    expect(panel).toMatchObject({ level: 'green', policy: { size: 0 }, status: { pooled: 0, pendingDeletes: 2 } });
    expect(panel.reason).toBe('Off (SESSION_POOL_SIZE=0): every chat creates its own session. 2 waiting for a delete (batches of 1).');
  });

  it('not read: unknown, saying so', () => {
    expect(describeSessionPoolPanel({ policy: poolPolicy(), now: NOW })).toMatchObject({ level: 'unknown', reason: 'The session pool could not be read from the store.' });
  });
});

describe('the whole page from one store', () => {
  const gateway = config();
  const pageOf = async (store: Store) => {
    const status = await readAdminStatus({ config: gateway, context: buildGatewayContext(gateway, { store, now: () => NOW }), now: NOW });
    const html = renderToStaticMarkup(createElement(AdminStatusView, { status, open: false, config: { origin: 'https://gateway.example', demoMode: false, hosted: false, loginEnabled: false }, chat: { models: [], keys: [], problems: [] } }));
    return { status, html };
  };

  it('shows the pool next to the sessions; a refused refill is amber and named', async () => {
    const store = createMemoryStore({ now: () => NOW });
    const policy = poolPolicy();
    await endChat(accountStore(store), { sessionId: 101, now: NOW - 60_000, policy, refused: 'session limit reached' });
    const { status, html } = await pageOf(store);
    expect(status.problems).toEqual([]);
    expect(status.panels.sessionPool).toMatchObject({ level: 'amber', status: { pendingDeletes: 1, refillError: { message: 'session limit reached' } } });
    // The chat's ended session waits for its batch (8): not "left behind".
    expect(status.panels.sessions).toMatchObject({ level: 'green', deleteBatchSize: 8 });
    expect(status.overall.reason).toContain('Session pool');
    expect(html).toContain('id="sessionPool"');
    expect(html).toContain('Last refill error');
    expect(html).toContain('session limit reached');
    expect(html.indexOf('id="sessions"')).toBeLessThan(html.indexOf('id="sessionPool"'));
  });

  it('still renders when the pool cannot be read, saying which read failed', async () => {
    const store = createMemoryStore({ now: () => NOW });
    const statsKey = accountStore(store).keys.sessionPoolStats;
    const hashGetAll = store.hashGetAll.bind(store);
    store.hashGetAll = (key) => (key === statsKey ? Promise.reject(new Error('fetch failed')) : hashGetAll(key));
    const { status, html } = await pageOf(store);
    expect(status.problems).toEqual(['session pool: fetch failed']);
    expect(status.panels.sessionPool.level).toBe('unknown');
    expect(status.panels.sessions.level).toBe('green');
    expect(html).toContain('The session pool could not be read from the store.');
  });
});

describe('traffic', () => {
  const hours = (values: Array<[number, number, number | null]>) =>
    values.map(([requests, errors, ttftAvgMs], index) => ({ hourStart: NOW - (values.length - 1 - index) * HOUR, requests, errors, ttftAvgMs }));

  it('lays out a bar per hour, errors at the foot, the TTFT line broken where an hour had none', () => {
    const chart = layoutTrafficChart(hours([[4, 1, 800], [0, 0, null], [10, 0, 1200]]));
    expect(chart.bars).toHaveLength(3);
    expect(chart.bars[2]!.requestsHeight).toBeGreaterThan(chart.bars[0]!.requestsHeight);
    expect(chart.bars[0]!.errorsHeight).toBeCloseTo(chart.bars[0]!.requestsHeight / 4, 0);
    expect(chart.bars[1]!.requestsHeight).toBe(0);
    expect(chart.linePath.match(/M/g)).toHaveLength(2);
    expect(chart.totals).toEqual({ requests: 14, errors: 1, ttftAvgMs: (4 * 800 + 10 * 1200) / 14 });
    expect(chart.requestTicks.map((tick) => tick.label)).toEqual(['0', '5', '10', '15', '20']);
    expect(layoutTrafficChart(hours([[3, 0, 120]])).requestTicks.map((tick) => tick.label)).toEqual(['0', '1', '2', '3', '4']);
    expect(layoutTrafficChart(hours([[3, 0, 1_200]])).lineTicks.map((tick) => tick.label)).toEqual(['0 ms', '500 ms', '1 s', '1.5 s', '2 s']);
  });

  it.each([
    ['no traffic', [[0, 0, null]], 'green'],
    ['a few errors', [[100, 2, 500]], 'green'],
    ['10 % errors', [[100, 10, 500]], 'amber'],
    ['mostly errors', [[10, 6, null]], 'red'],
  ] as Array<[string, Array<[number, number, number | null]>, string]>)('%s', (_, values, level) => {
    expect(describeTrafficPanel({ recent: [], series: hours(values) }).level).toBe(level);
  });

  it('without metrics: unknown, saying so', () => {
    expect(describeTrafficPanel({})).toMatchObject({ level: 'unknown', available: false });
  });
});

describe('small helpers', () => {
  it.each([
    [950, '950 ms'],
    [42_000, '42 s'],
    [5 * 60_000, '5 min'],
    [62 * 60_000, '1 h 2 min'],
    [2 * HOUR, '2 h'],
    [51 * HOUR, '2 d 3 h'],
  ])('formatDuration(%i) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('formatRelative', () => {
    expect(formatRelative(NOW - 90_000, NOW)).toBe('1 min ago');
    expect(formatRelative(NOW + 3 * HOUR, NOW)).toBe('in 3 h');
    expect(formatRelative(NOW, NOW)).toBe('just now');
  });

  it('masks secrets (session ids: tests/xipu/api/mask-session-id.test.ts)', () => {
    expect(maskSecret('eyJhbGciOiJIUzI1NiJ9.abc.def-wxyz')).toBe('eyJh…wxyz (33 chars)');
    expect(maskSecret('short')).toBe('… (5 chars)');
  });

  it('reads the cron schedule from vercel.json and the version from package.json', () => {
    const info = readDeploymentInfo('0123456789abcdef0123456789abcdef01234567');
    expect(info.crons).toEqual([{ path: '/api/cron/keepalive', schedule: '0 3 * * *', description: 'daily at 03:00 UTC' }]);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.commit).toBe('0123456789ab');
    expect(readDeploymentInfo(undefined).commit).toBeUndefined();
    expect(describeCronSchedule('*/5 * * * *')).toBe('*/5 * * * *');
  });
});
