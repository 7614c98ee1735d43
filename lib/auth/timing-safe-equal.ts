import { createHash, timingSafeEqual as nodeTimingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in constant time. Both sides are hashed first so neither the
 * content nor the length of the expected secret leaks through timing.
 */
export function timingSafeEqual(given: string, expected: string): boolean {
  const givenDigest = createHash('sha256').update(given, 'utf8').digest();
  const expectedDigest = createHash('sha256').update(expected, 'utf8').digest();
  return nodeTimingSafeEqual(givenDigest, expectedDigest);
}
