/**
 * Reads what `vercel build` wrote to `.vercel/output` (Build Output API v3) into plain data
 * for check-vercel-output.ts: each function with the routes it serves, its settings and its
 * files, and the declared crons.
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';

export interface VercelFunctionFile {
  /** The path inside the function, e.g. `node_modules/@sparticuz/chromium/bin/chromium.br`. */
  path: string;
  /** Uncompressed size; a symbolic link counts as itself, not as what it points to. */
  bytes: number;
}

export interface VercelFunction {
  /** Its directory under `functions/` without `.func`, e.g. `admin/actions/log-in`. */
  name: string;
  /** Every route it serves (its own and those whose `.func` links to it), sorted. */
  routes: string[];
  /** From `.vc-config.json`; undefined means the platform's default. */
  maxDuration?: number;
  supportsCancellation?: boolean;
  runtime?: string;
  files: VercelFunctionFile[];
}

export interface VercelCron {
  path: string;
  schedule: string;
}

export interface VercelOutput {
  functions: VercelFunction[];
  crons: VercelCron[];
}

interface VcConfig {
  maxDuration?: unknown;
  supportsCancellation?: unknown;
  runtime?: unknown;
  /** Files outside the function directory: path in the function → path from the project root. */
  filePathMap?: unknown;
}

/**
 * @param outputDir `.vercel/output`
 * @param projectRoot the directory `vercel build` ran in: `filePathMap` paths are relative to it
 *   (the CLI refers to the project's files instead of copying them unless `--standalone`).
 * @throws when the directory is not a Build Output (no `config.json` or `functions/`).
 */
export function readVercelOutput(outputDir: string, projectRoot: string): VercelOutput {
  const config = JSON.parse(readFileSync(path.join(outputDir, 'config.json'), 'utf8')) as { crons?: unknown };
  const crons = Array.isArray(config.crons)
    ? config.crons.flatMap((cron: { path?: unknown; schedule?: unknown }) =>
        typeof cron.path === 'string' && typeof cron.schedule === 'string' ? [{ path: cron.path, schedule: cron.schedule }] : [],
      )
    : [];

  const functionsDir = path.join(outputDir, 'functions');
  const realFunctions = new Map<string, { name: string; routes: Set<string> }>();
  const aliases: Array<{ route: string; target: string }> = [];
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory)) {
      const full = path.join(directory, entry);
      const stats = lstatSync(full);
      if (!entry.endsWith('.func')) {
        if (stats.isDirectory()) walk(full);
        continue;
      }
      const name = path.relative(functionsDir, full).split(path.sep).join('/').slice(0, -'.func'.length);
      const route = routeOf(name);
      if (stats.isSymbolicLink()) {
        if (route !== undefined) aliases.push({ route, target: realpathSync(full) });
      } else {
        realFunctions.set(realpathSync(full), { name, routes: new Set(route === undefined ? [] : [route]) });
      }
    }
  };
  walk(functionsDir);
  for (const { route, target } of aliases) {
    const owner = realFunctions.get(target);
    if (!owner) throw new Error(`${route}: its .func links outside the output (${target})`);
    owner.routes.add(route);
  }

  const functions = [...realFunctions.entries()].map(([directory, { name, routes }]): VercelFunction => {
    const vcConfig = JSON.parse(readFileSync(path.join(directory, '.vc-config.json'), 'utf8')) as VcConfig;
    return {
      name,
      routes: [...routes].sort(),
      maxDuration: typeof vcConfig.maxDuration === 'number' ? vcConfig.maxDuration : undefined,
      supportsCancellation: typeof vcConfig.supportsCancellation === 'boolean' ? vcConfig.supportsCancellation : undefined,
      runtime: typeof vcConfig.runtime === 'string' ? vcConfig.runtime : undefined,
      files: [...listOwnFiles(directory), ...listMappedFiles(vcConfig.filePathMap, projectRoot)],
    };
  });
  return { functions: functions.sort((a, b) => a.name.localeCompare(b.name)), crons };
}

/**
 * The route a `.func` directory answers, or undefined for one that only carries another
 * form of a route: `x.rsc` (React Server Component payload of `x`) and `x.segments/…`
 * (prefetch segments) link to `x`'s function. `index` is `/`.
 */
function routeOf(name: string): string | undefined {
  if (name.includes('.segments/') || name.endsWith('.rsc')) return undefined;
  return name === 'index' ? '/' : `/${name}`;
}

function fileOf(filePath: string, stats: Stats): VercelFunctionFile {
  return { path: filePath, bytes: stats.size };
}

function listOwnFiles(directory: string): VercelFunctionFile[] {
  const files: VercelFunctionFile[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current)) {
      const full = path.join(current, entry);
      const stats = lstatSync(full);
      if (stats.isDirectory()) walk(full);
      else files.push(fileOf(path.relative(directory, full).split(path.sep).join('/'), stats));
    }
  };
  walk(directory);
  return files;
}

function listMappedFiles(filePathMap: unknown, projectRoot: string): VercelFunctionFile[] {
  if (typeof filePathMap !== 'object' || filePathMap === null) return [];
  return Object.entries(filePathMap).flatMap(([inFunction, fromRoot]) => {
    if (typeof fromRoot !== 'string') return [];
    const stats = lstatSync(path.resolve(projectRoot, fromRoot));
    // A directory entry adds no bytes of its own: its files are listed one by one.
    return stats.isDirectory() ? [] : [fileOf(inFunction, stats)];
  });
}
