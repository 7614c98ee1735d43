import { createMemoryStore } from '@/lib/store/memory-store';
import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';
import { withStoreErrors } from '@/lib/store/with-store-errors';

/**
 * A memory store (or `inner`) whose named call fails the next `times` calls: a Store method
 * (`hashSet`), or a script run by its name (`releaseSlot`, `acquireLease`,
 * `depositPooledSession`). Wrapped like production (withStoreErrors): a failure is a 503 store_unavailable.
 */
export function failingStore(call: string, times = Infinity, inner: Store = createMemoryStore()): Store {
  let left = times;
  const failing = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const name = property === 'run' ? (args[0] as StoreScript<unknown>).name : property;
        if (name === call && left > 0) {
          left -= 1;
          throw new Error(`simulated store failure in ${call}`);
        }
        return (value as (...parameters: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return withStoreErrors(failing);
}
