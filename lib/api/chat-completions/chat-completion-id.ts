import { randomBytes } from 'node:crypto';

/**
 * A new `chatcmpl-…` id (24 random hex digits): one per answer, and every chunk of a stream
 * carries the same one (docs/client-compat §4).
 */
export function newChatCompletionId(): string {
  return `chatcmpl-${randomBytes(12).toString('hex')}`;
}
