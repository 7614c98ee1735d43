import { randomBytes } from 'node:crypto';

/** The id prefixes of a response and of each output item type (OpenAI's). */
export type ResponseIdPrefix = 'resp' | 'msg' | 'rs' | 'fc' | 'ctc';

/** Makes the ids of one answer; injected so tests can pin them. */
export type NewResponseId = (prefix: ResponseIdPrefix) => string;

/**
 * A new `resp_…`, `msg_…`, `rs_…`, `fc_…` or `ctc_…` id: the prefix and 48 random hex digits,
 * OpenAI's length. Item ids are not call ids: a function call's `call_id` is the pipeline's
 * `call_…` id, which the client sends back with its output.
 */
export const newResponseId: NewResponseId = (prefix) => `${prefix}_${randomBytes(24).toString('hex')}`;
