import { randomBytes } from 'node:crypto';

/** A new `msg_…` id (24 random hex digits): one per answer, the same in every event of a stream. */
export function newMessageId(): string {
  return `msg_${randomBytes(12).toString('hex')}`;
}
