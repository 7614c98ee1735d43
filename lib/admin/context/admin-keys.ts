import { adminStoreKeys, storeTtls } from '@/lib/store/keys';

/** The admin page's keys and TTLs live with every other key in lib/store/keys.ts. */
export { adminStoreKeys };
export const adminTtls = { reachabilityMs: storeTtls.reachabilityMs, keyFormSentMs: storeTtls.keyFormSentMs } as const;

/** Sign-in attempts per client IP and window: enough for typos, too few for guessing. */
export const SIGN_IN_ATTEMPTS_PER_WINDOW = 5;
export const SIGN_IN_WINDOW_MS = 60_000;
