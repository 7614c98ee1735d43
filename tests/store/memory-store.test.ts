import { describe, expect, it, vi } from 'vitest';
import { getMemoryStore } from '@/lib/store/memory-store';
import { createMemoryBackend } from '@/tests/support/store-backends';
import { runStoreContract } from './store-contract';

describe('memory store', () => {
  runStoreContract(createMemoryBackend);

  it('is one instance per process, even when the module is loaded again (one per route bundle)', async () => {
    const first = getMemoryStore();
    vi.resetModules();
    const reloaded = await import('@/lib/store/memory-store');
    expect(reloaded.getMemoryStore).not.toBe(getMemoryStore);
    expect(reloaded.getMemoryStore()).toBe(first);
    await first.set('memory-store-test:shared', 'seen by every bundle');
    expect(await reloaded.getMemoryStore().get('memory-store-test:shared')).toBe('seen by every bundle');
    await first.delete('memory-store-test:shared');
  });
});
