import { describe, expect, it } from 'vitest';
import { refreshMarginMs } from '@/lib/xipu/credentials/refresh-margin';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T = Date.UTC(2026, 10, 22, 8, 0);

describe('refreshMarginMs', () => {
  it.each([
    { case: 'a long-lived token: the configured margin', margin: 30 * MINUTE, issuedAt: T, expiresAt: T + 8 * HOUR, expected: 30 * MINUTE },
    { case: 'a short-lived token: a third of its lifetime', margin: 30 * MINUTE, issuedAt: T, expiresAt: T + 30 * MINUTE, expected: 10 * MINUTE },
    { case: 'exactly three margins long: the margin', margin: 30 * MINUTE, issuedAt: T, expiresAt: T + 90 * MINUTE, expected: 30 * MINUTE },
    { case: 'no issue time: the margin', margin: 30 * MINUTE, issuedAt: undefined, expiresAt: T + 30 * MINUTE, expected: 30 * MINUTE },
    { case: 'no expiry: the margin', margin: 30 * MINUTE, issuedAt: T, expiresAt: undefined, expected: 30 * MINUTE },
    { case: 'no token times: the margin', margin: 5 * MINUTE, issuedAt: undefined, expiresAt: undefined, expected: 5 * MINUTE },
    { case: 'a zero margin stays zero', margin: 0, issuedAt: T, expiresAt: T + HOUR, expected: 0 },
  ])('$case', ({ margin, issuedAt, expiresAt, expected }) => {
    expect(refreshMarginMs(margin, { issuedAt, expiresAt })).toBe(expected);
  });
});
