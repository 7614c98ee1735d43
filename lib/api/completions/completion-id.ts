import { randomBytes } from 'node:crypto';

/**
 * A new `cmpl-…` id (24 random hex digits), the prefix OpenAI's legacy Completions use: one
 * per answer, and every chunk of a stream carries the same one (docs/client-compat §4).
 */
export function newCompletionId(): string {
  return `cmpl-${randomBytes(12).toString('hex')}`;
}
