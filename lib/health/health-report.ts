/**
 * What GET /api/health computes. The public answer is `status` alone; `checks` (with their
 * reasons) are for the signed-in admin: they name what to fix, never a secret.
 */
export type HealthStatus = 'ok' | 'degraded' | 'down';

export type HealthCheckId = 'store' | 'credentials' | 'login' | 'heartbeat' | 'pool' | 'recent-chats' | 'configuration';

/** green: fine · amber: works now, needs attention soon · red: a chat would fail now. */
export type HealthLevel = 'green' | 'amber' | 'red';

export interface HealthCheck {
  id: HealthCheckId;
  level: HealthLevel;
  /** One sentence for the admin: what was seen and, when not green, what to do. */
  reason: string;
}

export interface HealthReport {
  status: HealthStatus;
  /** When it was computed (epoch ms). */
  checkedAt: number;
  checks: HealthCheck[];
  /**
   * With several XIPU accounts (XIPU_ACCOUNTS): each account's own status and checks. The
   * top-level account checks then sum them up: red only when no account can serve, amber when
   * some cannot (docs/accounts.md).
   */
  accounts?: Array<{ id: string; status: HealthStatus; checks: HealthCheck[] }>;
}

/** Any red → down; else any amber → degraded; else ok. */
export function summarizeHealth(checks: readonly HealthCheck[]): HealthStatus {
  if (checks.some((check) => check.level === 'red')) return 'down';
  if (checks.some((check) => check.level === 'amber')) return 'degraded';
  return 'ok';
}
