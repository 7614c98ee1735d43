import { z } from 'zod';
import { xipuAccountTtls } from '@/lib/xipu/account/account-keys';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import type { KeepaliveReport } from './run-keepalive';

/**
 * The keep-alive job's last run (XipuAccountKeys.keepaliveLastRun), read loosely: only the time
 * and the parts the page shows; anything else in the report is ignored.
 */
export interface KeepaliveRecord {
  at: number;
  heartbeat?: { status: string; message?: string };
  login?: { status: string };
  sweep?: { deleted?: number; status?: string };
}

/** Epoch ms, or an ISO time (whichever the writer chose). */
const timeSchema = z
  .union([z.number(), z.string()])
  .transform((value) => (typeof value === 'number' ? value : Date.parse(value)))
  .refine((value) => Number.isFinite(value));

const recordSchema = z.object({
  at: timeSchema,
  report: z
    .object({
      heartbeat: z.object({ status: z.string(), message: z.string().optional() }).optional(),
      login: z.object({ status: z.string() }).optional(),
      sweep: z.object({ deleted: z.number().optional(), status: z.string().optional() }).optional(),
    })
    .optional(),
  heartbeat: z.object({ status: z.string(), message: z.string().optional() }).optional(),
  login: z.object({ status: z.string() }).optional(),
  sweep: z.object({ deleted: z.number().optional(), status: z.string().optional() }).optional(),
});

/** Keeps the job's last run for the admin page (a week: longer than any cron schedule). */
export async function recordKeepaliveRun(account: AccountStore, report: KeepaliveReport, at: number): Promise<void> {
  await account.store.set(account.keys.keepaliveLastRun, JSON.stringify({ at, report }), { ttlMs: xipuAccountTtls.keepaliveRecordMs });
}

export async function readKeepaliveRecord(account: AccountStore): Promise<KeepaliveRecord | undefined> {
  const raw = await account.store.get(account.keys.keepaliveLastRun);
  if (!raw) return undefined;
  try {
    const parsed = recordSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) return undefined;
    const { at, report } = parsed.data;
    return {
      at,
      heartbeat: report?.heartbeat ?? parsed.data.heartbeat,
      login: report?.login ?? parsed.data.login,
      sweep: report?.sweep ?? parsed.data.sweep,
    };
  } catch {
    return undefined;
  }
}
