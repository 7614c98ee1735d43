import { z } from 'zod';
import { logEvent } from '@/lib/log/log-event';
import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import type { InputItem } from './responses-request-schema';
import type { OutputItem, ResponseObject } from './response-types';
import { SAVE_STORED_RESPONSE_SCRIPT } from './save-stored-response-script';

/**
 * A stored Responses answer: what `previous_response_id`, `item_reference` and
 * GET /v1/responses/{id} read back. `input` is the whole conversation the request folded into
 * (the previous response's `input` and `output`, then its own input with references resolved),
 * so continuing from it costs one read however long the chain is.
 */
export interface StoredResponse {
  response: ResponseObject;
  input: InputItem[];
  /** The client key (ClientIdentity.id) that created it: other keys read it as unknown. */
  owner: string;
}

/**
 * Larger answers are not stored (logged): Upstash caps a request near 1 MB, and a
 * conversation that long costs more to carry than to resend.
 */
export const MAX_STORED_RESPONSE_CHARS = 1_000_000;

/** What a stored response must look like to be used; written by this file, so loosely checked. */
const storedResponseSchema = z.object({
  response: z.looseObject({ id: z.string(), output: z.array(z.looseObject({ type: z.string() })) }),
  input: z.array(z.looseObject({})),
  owner: z.string(),
});

/**
 * Saves a completed response once, after it completed: the response key and an index key per
 * output item (`item_reference` finds the response by the item's id), all with `ttlMs`, in ONE
 * store command (save-stored-response-script.ts). Skipped, with a log line, when its JSON is
 * over MAX_STORED_RESPONSE_CHARS. Throws what the store throws.
 */
export async function saveStoredResponse(store: Store, stored: StoredResponse, ttlMs: number): Promise<void> {
  const json = JSON.stringify(stored);
  if (json.length > MAX_STORED_RESPONSE_CHARS) {
    logEvent('warn', 'response_not_stored', { responseId: stored.response.id, chars: json.length, maxChars: MAX_STORED_RESPONSE_CHARS });
    return;
  }
  const id = stored.response.id;
  const itemKeys = stored.response.output.map((item) => storeKeys.storedResponseItem(item.id));
  await store.run(SAVE_STORED_RESPONSE_SCRIPT, [storeKeys.storedResponse(id), ...itemKeys], [json, Math.round(ttlMs), id]);
}

/**
 * The stored response `id` as `owner` may see it (one GET), or null when it is unknown,
 * expired, unreadable or another client key's.
 */
export async function readStoredResponse(store: Store, id: string, owner: string): Promise<StoredResponse | null> {
  const raw = await store.get(storeKeys.storedResponse(id));
  if (raw === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  const result = storedResponseSchema.safeParse(parsed);
  if (!result.success || result.data.owner !== owner) return null;
  return result.data as unknown as StoredResponse;
}

/** The id of the stored response whose output holds item `itemId` (one GET), or null. */
export async function findStoredItemResponseId(store: Store, itemId: string): Promise<string | null> {
  return await store.get(storeKeys.storedResponseItem(itemId));
}

/** The output item `itemId` of `stored`, if it holds it. */
export function findOutputItem(stored: StoredResponse, itemId: string): OutputItem | undefined {
  return stored.response.output.find((item) => item.id === itemId);
}
