import type { GatewayConfig } from '@/lib/config/env';
import { getMemoryStore } from './memory-store';
import type { Store } from './store';
import { createUpstashStore } from './upstash-store';
import { withStoreErrors } from './with-store-errors';

/** Upstash when configured, else the process's in-memory store (local single process only). */
export function createStore(config: GatewayConfig): Store {
  return config.upstash ? withStoreErrors(createUpstashStore({ url: config.upstash.url, token: config.upstash.token })) : getMemoryStore();
}
