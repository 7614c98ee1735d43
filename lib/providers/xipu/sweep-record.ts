import { z } from 'zod';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';

/** The last sweep, for the admin page (storeKeys.sweepLastRun). */
export interface SweepRecord {
  at: number;
  deleted: number;
  /** Every session swept since the record began. */
  totalDeleted: number;
}

const sweepRecordSchema = z.object({ at: z.number(), deleted: z.number(), totalDeleted: z.number() });

export async function readSweepRecord(store: Store): Promise<SweepRecord | undefined> {
  const raw = await store.get(storeKeys.sweepLastRun);
  if (!raw) return undefined;
  try {
    const parsed = sweepRecordSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps the last sweep and the running total. Read-modify-write: sweeps are rare, and a count
 * lost to a race is harmless bookkeeping; it never fails the sweep.
 */
export async function recordSweep(store: Store, deleted: number, at: number = Date.now()): Promise<void> {
  try {
    const previous = await readSweepRecord(store);
    const record: SweepRecord = { at, deleted, totalDeleted: (previous?.totalDeleted ?? 0) + deleted };
    await store.set(storeKeys.sweepLastRun, JSON.stringify(record));
  } catch {
    // bookkeeping only
  }
}
