import { computeHealth } from '@/lib/health/compute-health';
import type { HealthStatus } from '@/lib/health/health-report';
import { readRecentRequests } from '@/lib/metrics/read-recent-requests';
import { readTrafficSeries } from '@/lib/metrics/read-traffic-series';
import type { AdminStatusSources } from './read-admin-status';
import type { StatusLevel } from './status-level';

/** Requests listed under the chart. */
export const RECENT_REQUESTS_SHOWN = 20;
/** The chart's span. */
export const TRAFFIC_HOURS = 24;

const STATUS_LEVELS: Record<HealthStatus, StatusLevel> = { ok: 'green', degraded: 'amber', down: 'red' };

/**
 * The page's traffic (lib/metrics) and overall health (lib/health, the same verdict as
 * GET /api/health). Recorded state only: neither calls XIPU.
 */
export const adminStatusSources: AdminStatusSources = {
  async readTraffic(store, now) {
    const [recent, series] = await Promise.all([readRecentRequests(store, RECENT_REQUESTS_SHOWN), readTrafficSeries(store, now, TRAFFIC_HOURS)]);
    return {
      recent: recent.map((record) => ({
        at: record.at,
        model: record.model,
        status: record.status,
        client: record.client,
        ttftMs: record.ttftMs,
        durationMs: record.durationMs,
        error: record.error,
        upstream: record.upstream,
        finishReason: record.finishReason,
        stream: record.stream,
      })),
      series,
    };
  },
  async computeHealth({ config, store, now }) {
    const report = await computeHealth({ config: { ok: true, config }, store, now });
    const level = STATUS_LEVELS[report.status];
    const worst = report.checks.find((check) => check.level === level && level !== 'green');
    return {
      level,
      reason: worst ? `${report.status === 'down' ? 'A chat would fail now' : 'Working, but check'}: ${worst.reason}` : 'A chat would succeed now.',
      checks: report.checks.map((check) => ({ id: check.id, level: check.level, reason: check.reason })),
      accounts: report.accounts?.map((account) => {
        const accountLevel = STATUS_LEVELS[account.status];
        const first = account.checks.find((check) => check.level === accountLevel && accountLevel !== 'green');
        return { id: account.id, level: accountLevel, reason: first?.reason ?? 'can serve' };
      }),
    };
  },
};
