import { describe, expect, it } from 'vitest';
import { formatDuration, formatRelative } from '@/lib/admin/view/format-time';
import { describeLoginSteps } from '@/lib/xipu/credentials/login-progress';
import { maskSecret } from '@/lib/admin/view/mask-secret';
import { describeCredentialsPanel } from '@/lib/admin/view/panels/describe-credentials-panel';
import { describeLoginPanel } from '@/lib/admin/view/panels/describe-login-panel';
import { describePacerPanel } from '@/lib/admin/view/panels/describe-pacer-panel';
import { describeSessionsPanel } from '@/lib/admin/view/panels/describe-sessions-panel';
import { describeTrafficPanel } from '@/lib/admin/view/panels/describe-traffic-panel';
import { describeCronSchedule, readDeploymentInfo } from '@/lib/admin/view/read-deployment-info';
import { layoutTrafficChart } from '@/lib/admin/view/traffic-chart';
import { parseConfig, type GatewayConfig } from '@/lib/config/env';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';

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
    const panel = describeSessionsPanel({ records, leaseMs: 90_000, now: NOW });
    expect(panel.level).toBe(level);
    for (const session of [...panel.open, ...panel.expired]) expect(session.maskedId).toMatch(/^\d\d…\d\d$/);
    expect(JSON.stringify(panel)).not.toContain('123456');
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
    expect(chart.ttftPath.match(/M/g)).toHaveLength(2);
    expect(chart.totals).toEqual({ requests: 14, errors: 1, ttftAvgMs: (4 * 800 + 10 * 1200) / 14 });
    expect(chart.requestTicks.map((tick) => tick.label)).toEqual(['0', '5', '10', '15', '20']);
    expect(layoutTrafficChart(hours([[3, 0, 120]])).requestTicks.map((tick) => tick.label)).toEqual(['0', '1', '2', '3', '4']);
    expect(layoutTrafficChart(hours([[3, 0, 1_200]])).ttftTicks.map((tick) => tick.label)).toEqual(['0 ms', '500 ms', '1 s', '1.5 s', '2 s']);
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
