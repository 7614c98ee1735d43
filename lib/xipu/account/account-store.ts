import type { Store } from '@/lib/store/store';
import { DEFAULT_ACCOUNT_ID, xipuAccountKeys, type XipuAccountKeys } from './account-keys';

/**
 * Where one account's records live: the shared store and that account's keys. What reads or
 * writes an account's records takes this, never a bare store, so two accounts never share a
 * login lock, a heartbeat or a session registry.
 */
export interface AccountStore {
  /** The account's id: in its keys, and a label in its log lines and metrics. */
  accountId: string;
  store: Store;
  keys: XipuAccountKeys;
}

/** The records of `accountId` (the default account: the single-account gateway's keys) in `store`. */
export function accountStore(store: Store, accountId: string = DEFAULT_ACCOUNT_ID): AccountStore {
  return { accountId, store, keys: xipuAccountKeys(accountId) };
}
