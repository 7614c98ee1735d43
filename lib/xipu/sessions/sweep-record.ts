import { z } from 'zod';
import type { AccountStore } from '@/lib/xipu/account/account-store';

/** The last sweep, for the admin page (XipuAccountKeys.sweepLastRun). */
export interface SweepRecord {
  at: number;
  deleted: number;
  /** Sessions XIPU said no longer exist (the owner deleted them): forgotten, not deleted. */
  gone: number;
  /** Expired sessions this sweep could not delete: still recorded, for a later sweep. */
  kept: number;
  /** Every session swept since the record began. */
  totalDeleted: number;
}

/** The counts one sweep reports. */
export type SweepCounts = Pick<SweepRecord, 'deleted' | 'gone' | 'kept'>;

// Records written before `gone`/`kept` existed read as 0 of each.
const sweepRecordSchema = z.object({
  at: z.number(),
  deleted: z.number(),
  gone: z.number().default(0),
  kept: z.number().default(0),
  totalDeleted: z.number(),
});

export async function readSweepRecord(account: AccountStore): Promise<SweepRecord | undefined> {
  const raw = await account.store.get(account.keys.sweepLastRun);
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
export async function recordSweep(account: AccountStore, counts: SweepCounts, at: number = Date.now()): Promise<void> {
  try {
    const previous = await readSweepRecord(account);
    const record: SweepRecord = { at, ...counts, totalDeleted: (previous?.totalDeleted ?? 0) + counts.deleted };
    await account.store.set(account.keys.sweepLastRun, JSON.stringify(record));
  } catch {
    // bookkeeping only
  }
}
