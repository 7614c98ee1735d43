import { z } from 'zod';

/**
 * What the gateway remembers of one chat request: timing and outcome only. Never the prompt,
 * the answer, an error message, a key or a token — the recent list is readable by the admin
 * page and lives in a shared database.
 */
export interface RequestRecord {
  /** When the request started (epoch ms). */
  at: number;
  requestId: string;
  /** The client key's name from API_KEYS (or its masked form, or "anonymous"): never the key. */
  client: string;
  /** A managed key's id (lib/keys; `key_…`, public, never the key): the admin page's last requests per key. Absent for API_KEYS and anonymous use. */
  keyId?: string;
  /** The model asked for (cut to MAX_RECORDED_MODEL_LENGTH); absent when the body was unreadable. */
  model?: string;
  /** The provider and account the model routed to (`xipu:default`, ChatProvider.id): metrics per account. */
  upstream?: string;
  /**
   * The HTTP status the client got; 499 when the client went away first (also mid-stream).
   * A streamed answer that failed after its 200 keeps 200 and carries `error`.
   */
  status: number;
  stream?: boolean;
  /** How a completed answer ended (`stop`, `length`, `content_filter`, …). */
  finishReason?: string;
  /** Time to the first text or reasoning part (ms). */
  ttftMs?: number;
  /** Until the answer ended: the stream's end, or the error answer (ms). */
  durationMs: number;
  /** The error's OpenAI `code` (else its `type`): a fixed identifier, never a message. */
  error?: string;
  /** The tokens charged to a managed key (as its usage counters got them); absent for other keys. */
  promptTokens?: number;
  completionTokens?: number;
}

/** Model ids are client input: long ones are cut, so a record stays small. */
export const MAX_RECORDED_MODEL_LENGTH = 100;

/** Reads a stored record back (minimal: the fields above, unknown ones dropped). */
export const requestRecordSchema: z.ZodType<RequestRecord> = z.object({
  at: z.number(),
  requestId: z.string(),
  client: z.string(),
  keyId: z.string().optional(),
  model: z.string().optional(),
  upstream: z.string().optional(),
  status: z.number().int(),
  stream: z.boolean().optional(),
  finishReason: z.string().optional(),
  ttftMs: z.number().optional(),
  durationMs: z.number(),
  error: z.string().optional(),
  promptTokens: z.number().optional(),
  completionTokens: z.number().optional(),
});
