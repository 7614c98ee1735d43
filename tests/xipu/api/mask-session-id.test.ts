import { describe, expect, it } from 'vitest';
import { maskSessionId } from '@/lib/xipu/api/mask-session-id';

describe('maskSessionId', () => {
  it.each([
    { id: 1234567, masked: '12…67' },
    { id: '1234567', masked: '12…67' },
    { id: 12345, masked: '12…45' },
    { id: 1234, masked: '…34' },
    { id: 42, masked: '…42' },
    { id: 7, masked: '…7' },
  ])('$id → $masked', ({ id, masked }) => {
    expect(maskSessionId(id)).toBe(masked);
  });
});
