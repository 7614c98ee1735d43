import { z } from 'zod';
import { baseUrlSchema, entryIdSchema } from '@/lib/config/provider-entries';

/** A heartbeat's TTL when the worker names none: FastChat's 90 s (three missed 30 s beats). */
export const DEFAULT_WORKER_TTL_SECONDS = 90;
/** Below 10 s a heartbeat is a load test; above an hour a dead worker lingers too long. */
export const MIN_WORKER_TTL_SECONDS = 10;
export const MAX_WORKER_TTL_SECONDS = 3_600;
/** More models than any server serves: bounds the entry's size in the store. */
const MAX_WORKER_MODELS = 256;

/** The body of `POST /api/workers`: a registration and a heartbeat are the same call. */
export const workerRegistrationSchema = z
  .object({
    id: entryIdSchema,
    baseUrl: baseUrlSchema,
    apiKey: z.string().trim().min(1).max(4_096).optional(),
    models: z.array(z.string().trim().min(1).max(256)).min(1, { message: 'models: list at least one model id' }).max(MAX_WORKER_MODELS),
    ttlSeconds: z.number().int().min(MIN_WORKER_TTL_SECONDS).max(MAX_WORKER_TTL_SECONDS).optional(),
  })
  .strict();

export type WorkerRegistration = z.input<typeof workerRegistrationSchema>;

/** A live worker as the store keeps it (with its apiKey: for the gateway's calls only). */
export interface WorkerEntry {
  id: string;
  /** `…/v1` without a trailing slash. */
  baseUrl: string;
  apiKey?: string;
  models: string[];
  ttlSeconds: number;
  /** Epoch ms of the last registration or heartbeat. */
  lastHeartbeatAt: number;
  /** Epoch ms the entry lapses without another heartbeat. */
  expiresAt: number;
}

/** What the routes show of a worker: never its apiKey. */
export type WorkerView = Omit<WorkerEntry, 'apiKey'> & { hasApiKey: boolean };

export function toWorkerView(entry: WorkerEntry): WorkerView {
  const { apiKey, ...rest } = entry;
  return { ...rest, hasApiKey: apiKey !== undefined };
}

const storedEntrySchema = z.object({
  id: z.string(),
  baseUrl: z.string(),
  apiKey: z.string().optional(),
  models: z.array(z.string()),
  ttlSeconds: z.number(),
  lastHeartbeatAt: z.number(),
  expiresAt: z.number(),
});

/** An entry read back from the store; undefined for anything that is not one (skipped, not fatal). */
export function parseStoredWorkerEntry(raw: string): WorkerEntry | undefined {
  try {
    const parsed = storedEntrySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
