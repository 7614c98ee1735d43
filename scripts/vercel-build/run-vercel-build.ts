/**
 * Runs `vercel build` offline: no account, no project on Vercel, no second install. The CLI
 * needs project settings in `.vercel/project.json` (normally written by `vercel link`/`pull`,
 * which need an account); this writes local ones, and restores a real link afterwards.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Marks the settings file as ours, so a real `vercel link` is never overwritten for good. */
const LOCAL_PROJECT_ID = 'prj_local_offline_build';

/** The local stand-in for a linked project: framework Next.js, everything else detected. */
const LOCAL_PROJECT = {
  projectId: LOCAL_PROJECT_ID,
  orgId: 'team_local_offline_build',
  settings: { framework: 'nextjs', nodeVersion: '24.x', rootDirectory: null, outputDirectory: null },
};

export interface VercelBuildResult {
  exitCode: number;
  durationMs: number;
}

/**
 * `vercel build` in `projectRoot`, with vercel.json as committed except `installCommand`:
 * the caller has installed the dependencies (the test command's `npm ci`), and a second
 * `npm ci` would cost a minute and delete node_modules under anything running.
 * `vercel build` runs `next build` (so `.next` is a normal production build, which `next
 * start` serves) and then writes `.vercel/output`.
 */
export function runVercelBuild(projectRoot: string): VercelBuildResult {
  const vercelDir = path.join(projectRoot, '.vercel');
  const projectFile = path.join(vercelDir, 'project.json');
  const linkedBackup = path.join(vercelDir, 'project.json.linked');
  const localConfig = path.join(vercelDir, 'vercel.offline-build.json');
  mkdirSync(vercelDir, { recursive: true });

  if (existsSync(projectFile) && readProjectId(projectFile) !== LOCAL_PROJECT_ID) renameSync(projectFile, linkedBackup);
  // Also a backup left by a run that was killed before it could restore it.
  const linked = existsSync(linkedBackup);
  const committed = JSON.parse(readFileSync(path.join(projectRoot, 'vercel.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(projectFile, `${JSON.stringify(LOCAL_PROJECT, null, 2)}\n`);
  // An empty install command is @vercel/next's "skip install" (a missing one means npm install).
  writeFileSync(localConfig, `${JSON.stringify({ ...committed, installCommand: '' }, null, 2)}\n`);

  const startedAt = Date.now();
  try {
    const result = spawnSync(path.join(projectRoot, 'node_modules', '.bin', 'vercel'), ['build', '--yes', '--local-config', localConfig], {
      cwd: projectRoot,
      stdio: 'inherit',
      env: { ...process.env, VERCEL_TELEMETRY_DISABLED: '1', NEXT_TELEMETRY_DISABLED: '1', NO_UPDATE_NOTIFIER: '1' },
    });
    if (result.error) throw result.error;
    return { exitCode: result.status ?? 1, durationMs: Date.now() - startedAt };
  } finally {
    rmSync(localConfig, { force: true });
    // Never leave the local settings as if they were a link: a later `vercel deploy` would
    // take them for a project. The build output (.vercel/output) stays for the check.
    if (linked) renameSync(linkedBackup, projectFile);
    else rmSync(projectFile, { force: true });
  }
}

function readProjectId(file: string): unknown {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { projectId?: unknown }).projectId;
  } catch {
    return undefined;
  }
}
