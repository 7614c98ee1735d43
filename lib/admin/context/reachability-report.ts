import { z } from 'zod';
import type { Store } from '@/lib/store/store';
import { adminStoreKeys, adminTtls } from './admin-keys';

/** One host the check probed, and how it answered. */
export interface ReachabilityTarget {
  name: string;
  url: string;
  reachable: boolean;
  /** The HTTP status, when anything answered (a redirect or a 404 still proves the host is reachable). */
  status?: number;
  elapsedMs: number;
  error?: string;
}

/**
 * The last "Check reachability" result, kept a day in the store: written by the action
 * (lib/admin/actions), read by the page (lib/admin/view), which therefore need not import
 * each other.
 */
export interface ReachabilityReport {
  at: number;
  targets: ReachabilityTarget[];
}

const reportSchema = z.object({
  at: z.number(),
  targets: z.array(
    z.object({ name: z.string(), url: z.string(), reachable: z.boolean(), status: z.number().optional(), elapsedMs: z.number(), error: z.string().optional() }),
  ),
});

/** The last check, for the page's reachability panel; undefined when none is kept (or it does not parse). */
export async function readReachabilityReport(store: Store): Promise<ReachabilityReport | undefined> {
  const raw = await store.get(adminStoreKeys.reachability);
  if (!raw) return undefined;
  try {
    const parsed = reportSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps `report` for the page (a day: an older check says little about now). */
export async function saveReachabilityReport(store: Store, report: ReachabilityReport): Promise<void> {
  await store.set(adminStoreKeys.reachability, JSON.stringify(report), { ttlMs: adminTtls.reachabilityMs });
}
