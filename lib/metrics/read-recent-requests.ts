import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import { requestRecordSchema, type RequestRecord } from './request-record';

/**
 * The last `limit` request records, newest first, in one store command. Entries that do not
 * parse (another version's, or damaged) are skipped.
 */
export async function readRecentRequests(store: Store, limit: number): Promise<RequestRecord[]> {
  if (limit <= 0) return [];
  const entries = await store.listRange(storeKeys.metricsRecent, 0, Math.floor(limit) - 1);
  const records: RequestRecord[] = [];
  for (const entry of entries) {
    const record = parseRecord(entry);
    if (record) records.push(record);
  }
  return records;
}

function parseRecord(entry: string): RequestRecord | undefined {
  try {
    const parsed = requestRecordSchema.safeParse(JSON.parse(entry));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
