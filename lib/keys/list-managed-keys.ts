import { storeKeys } from '@/lib/store/keys';
import type { Store } from '@/lib/store/store';
import { parseKeyRecord, type ManagedKeyRecord } from './managed-key';

/** Every managed key's record (revoked ones too), oldest first. One store command. */
export async function listManagedKeys(store: Store): Promise<ManagedKeyRecord[]> {
  const records = Object.values(await store.hashGetAll(storeKeys.managedKeys))
    .map(parseKeyRecord)
    .filter((record): record is ManagedKeyRecord => record !== undefined);
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}
