import packageJson from '@/package.json';
import vercelJson from '@/vercel.json';

/** What is deployed, and when Vercel runs its cron, for the configuration panel. */
export interface DeploymentInfo {
  version: string;
  /** Vercel's `VERCEL_GIT_COMMIT_SHA`, shortened, when set. */
  commit?: string;
  crons: Array<{ path: string; schedule: string; description: string }>;
}

/**
 * Reads package.json and vercel.json (bundled at build time) and the commit Vercel built
 * (config.deployedCommit, from VERCEL_GIT_COMMIT_SHA).
 */
export function readDeploymentInfo(deployedCommit: string | undefined): DeploymentInfo {
  const commit = deployedCommit?.trim();
  const crons = (vercelJson as { crons?: Array<{ path?: unknown; schedule?: unknown }> }).crons ?? [];
  return {
    version: typeof packageJson.version === 'string' ? packageJson.version : 'unknown',
    commit: commit && /^[0-9a-f]{7,40}$/i.test(commit) ? commit.slice(0, 12) : undefined,
    crons: crons
      .filter((cron): cron is { path: string; schedule: string } => typeof cron.path === 'string' && typeof cron.schedule === 'string')
      .map((cron) => ({ path: cron.path, schedule: cron.schedule, description: describeCronSchedule(cron.schedule) })),
  };
}

/** Words for the schedules this project uses; anything else is shown as written. */
export function describeCronSchedule(schedule: string): string {
  const daily = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(schedule.trim());
  if (daily) return `daily at ${daily[2]!.padStart(2, '0')}:${daily[1]!.padStart(2, '0')} UTC`;
  const hourly = /^(\d{1,2}) \* \* \* \*$/.exec(schedule.trim());
  if (hourly) return `hourly at minute ${hourly[1]}`;
  return schedule;
}
