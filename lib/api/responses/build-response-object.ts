import type { GatewayError } from '@/lib/errors/gateway-error';
import type { FinishReason } from '@/lib/providers/chat-provider';
import type { OutputItem, ResponseEcho, ResponseObject, ResponseStatus, ResponseUsage } from './response-types';

/** What every response object of one answer shares. */
export interface ResponseBase {
  /** The `resp_…` id. */
  id: string;
  /** Unix time in seconds. */
  createdAt: number;
  /** The model id as the client asked for it. */
  model: string;
  echo: ResponseEcho;
}

/** The state of the answer the object reports. */
export type ResponseState =
  | { status: 'in_progress' }
  | { status: 'finished'; finishReason: FinishReason; usage: ResponseUsage | null }
  | { status: 'failed'; error: GatewayError; usage: ResponseUsage | null };

/**
 * OpenAI's `Response` object for one state of the answer: `in_progress` (the stream's first
 * events), `completed` (finish reasons `stop`, `tool_calls`), `incomplete` with
 * `incomplete_details.reason` `max_output_tokens` (finish `length`) or `content_filter`, and
 * `failed` with `error: {code, message}`.
 */
export function buildResponseObject(base: ResponseBase, state: ResponseState, output: readonly OutputItem[]): ResponseObject {
  let status: ResponseStatus = 'in_progress';
  let incomplete: ResponseObject['incomplete_details'] = null;
  let error: ResponseObject['error'] = null;
  if (state.status === 'finished') {
    const reason = state.finishReason === 'length' ? 'max_output_tokens' : state.finishReason === 'content_filter' ? 'content_filter' : null;
    status = reason === null ? 'completed' : 'incomplete';
    incomplete = reason === null ? null : { reason };
  } else if (state.status === 'failed') {
    status = 'failed';
    error = { code: state.error.code ?? state.error.type, message: state.error.message };
  }
  return {
    id: base.id,
    object: 'response',
    created_at: Math.floor(base.createdAt),
    status,
    error,
    incomplete_details: incomplete,
    model: base.model,
    output: structuredClone([...output]),
    usage: state.status === 'in_progress' ? null : state.usage,
    ...base.echo,
  };
}
