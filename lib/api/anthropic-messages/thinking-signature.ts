import { createHash } from 'node:crypto';

/**
 * The `signature` of a thinking block. Claude Code drops a thinking block without a non-empty
 * string signature; nobody verifies it here (history thinking is dropped, convert-messages.ts),
 * so it is a digest of the thinking text: stable for the same text, and opaque.
 */
export function thinkingSignature(thinking: string): string {
  return createHash('sha256').update(thinking).digest('base64');
}
