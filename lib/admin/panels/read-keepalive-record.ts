import { z } from 'zod';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';

/**
 * The keep-alive job's last run (storeKeys.keepaliveLastRun), read loosely: only the time
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

export async function readKeepaliveRecord(store: Store): Promise<KeepaliveRecord | undefined> {
  const raw = await store.get(storeKeys.keepaliveLastRun);
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
