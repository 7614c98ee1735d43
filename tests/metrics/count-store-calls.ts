import type { Store } from '@/lib/store/store';
import type { StoreScript } from '@/lib/store/store-script';

/**
 * A Store that passes every call through and remembers each one (one store command each):
 * by its method's name, and a `run` by its script's name (`appendMetric`, `reserveSlot`, …).
 */
export interface CountedStore {
  store: Store;
  /** Call names in call order. */
  calls: string[];
  /** Calls of one name so far: a Store method, or a script's name. */
  count(call: string): number;
  reset(): void;
}

export function countStoreCalls(inner: Store): CountedStore {
  const calls: string[] = [];
  const store = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(property === 'run' ? (args[0] as StoreScript<unknown>).name : String(property));
        return (value as (...parameters: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store,
    calls,
    count: (call) => calls.filter((name) => name === call).length,
    reset: () => void calls.splice(0),
  };
}
