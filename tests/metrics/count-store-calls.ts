import type { Store } from '@/lib/store/store';

/** A Store that passes every call through and remembers each method called (one store command each). */
export interface CountedStore {
  store: Store;
  /** Method names in call order. */
  calls: string[];
  /** Calls of one method so far. */
  count(method: keyof Store): number;
  reset(): void;
}

export function countStoreCalls(inner: Store): CountedStore {
  const calls: string[] = [];
  const store = new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return (value as (...parameters: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    store,
    calls,
    count: (method) => calls.filter((call) => call === method).length,
    reset: () => void calls.splice(0),
  };
}
