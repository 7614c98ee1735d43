import type { ResponseBase } from '@/lib/api/responses/build-response-object';
import type { NewResponseId } from '@/lib/api/responses/response-ids';
import type { ResponseEcho } from '@/lib/api/responses/response-types';

/** Ids `msg_1`, `fc_2`, … in the order they are asked for. */
export function countingIds(): NewResponseId {
  let count = 0;
  return (prefix) => `${prefix}_${++count}`;
}

export const ECHO: ResponseEcho = {
  instructions: null,
  max_output_tokens: null,
  parallel_tool_calls: true,
  temperature: null,
  top_p: null,
  tool_choice: 'auto',
  tools: [],
  text: { format: { type: 'text' } },
  store: false,
  previous_response_id: null,
  metadata: {},
  reasoning: { effort: null, summary: null },
  truncation: 'disabled',
  user: null,
};

export const BASE: ResponseBase = { id: 'resp_test', createdAt: 1760000000.7, model: 'gpt-4.1', echo: ECHO };

/** The JSON of each `event:`/`data:` pair, checking that the `event:` line names the data's type. */
export function parseTypedEvents(chunks: readonly string[]): any[] {
  return chunks.map((chunk) => {
    const match = /^event: (.+)\ndata: (.+)\n\n$/.exec(chunk);
    if (match === null) throw new Error(`not one typed SSE event: ${JSON.stringify(chunk)}`);
    const data = JSON.parse(match[2]!);
    if (data.type !== match[1]) throw new Error(`event line ${match[1]} names another type than ${data.type}`);
    return data;
  });
}
