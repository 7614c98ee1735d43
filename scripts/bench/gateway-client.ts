/** A streaming POST /v1/chat/completions against a running gateway, timed as it is read. */

/** When the answer's text arrived: per read that carried text, the time and the length so far. */
export interface ContentArrivals {
  /** Epoch ms with sub-millisecond precision (`performance.timeOrigin + performance.now()`), as the simulator's stream timelines. */
  at: number[];
  /** The content's length after that read (UTF-16 code units). */
  chars: number[];
}

export interface GatewayChatResult {
  ok: boolean;
  status: number;
  /** When the request started: epoch ms, on the clock of `arrivals`. */
  startedAt: number;
  /** Request start → the first chunk with a non-empty `delta.content`. */
  ttftMs: number;
  /** Request start → the body ended. */
  totalMs: number;
  content: string;
  arrivals: ContentArrivals;
  /** Request start → the first chunk with `delta.tool_calls`; NaN without one. */
  toolCallMs: number;
  /** The names of the tool calls streamed, in order. */
  toolCalls: string[];
  finishReason?: string;
  failure?: string;
}

export async function gatewayChat(
  gatewayUrl: string,
  apiKey: string,
  body: { model: string; messages: Array<{ role: string; content: string }>; [field: string]: unknown },
  options: { expectFinish?: 'stop' | 'tool_calls' } = {},
): Promise<GatewayChatResult> {
  const expectFinish = options.expectFinish ?? 'stop';
  const startedAt = performance.now();
  let ttftMs = Number.NaN;
  let toolCallMs = Number.NaN;
  const toolCalls: string[] = [];
  let content = '';
  const arrivals: ContentArrivals = { at: [], chars: [] };
  let sawDone = false;
  let finishReason: string | undefined;
  let failure: string | undefined;
  let status = 0;
  try {
    const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ ...body, stream: true }),
    });
    status = response.status;
    if (status !== 200) {
      failure = `HTTP ${status} ${(await response.text()).slice(0, 200)}`;
    } else {
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffered = '';
      const handleEvent = (block: string) => {
        if (!block.startsWith('data: ')) return; // keep-alive comments
        const payload = block.slice(6);
        if (payload === '[DONE]') {
          sawDone = true;
          return;
        }
        const json = JSON.parse(payload) as {
          error?: { message?: string; code?: string };
          choices?: Array<{
            delta?: { content?: string | null; tool_calls?: Array<{ function?: { name?: string } }> };
            finish_reason?: string | null;
          }>;
        };
        if (json.error) {
          failure ??= `stream error ${json.error.code ?? ''} ${json.error.message ?? ''}`.trim();
          return;
        }
        const choice = json.choices?.[0];
        const piece = choice?.delta?.content ?? '';
        if (piece !== '' && Number.isNaN(ttftMs)) ttftMs = performance.now() - startedAt;
        content += piece;
        const calls = choice?.delta?.tool_calls ?? [];
        if (calls.length > 0 && Number.isNaN(toolCallMs)) toolCallMs = performance.now() - startedAt;
        for (const call of calls) if (call.function?.name) toolCalls.push(call.function.name);
        if (choice?.finish_reason) finishReason = choice.finish_reason;
      };
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const readAt = performance.timeOrigin + performance.now();
        buffered += value;
        const charsBefore = content.length;
        let end = buffered.indexOf('\n\n');
        while (end !== -1) {
          handleEvent(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
          end = buffered.indexOf('\n\n');
        }
        if (content.length > charsBefore) {
          arrivals.at.push(readAt);
          arrivals.chars.push(content.length);
        }
      }
      if (buffered.trim() !== '') handleEvent(buffered.trim());
      if (!failure && !sawDone) failure = 'stream ended without [DONE]';
      if (!failure && finishReason !== expectFinish) failure = `finish_reason ${finishReason ?? 'missing'}`;
      if (!failure && expectFinish === 'stop' && content === '') failure = 'empty answer';
      if (!failure && expectFinish === 'tool_calls' && toolCalls.length === 0) failure = 'no tool call';
    }
  } catch (error) {
    failure = `fetch failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return {
    ok: failure === undefined,
    status,
    startedAt: performance.timeOrigin + startedAt,
    ttftMs,
    totalMs: performance.now() - startedAt,
    content,
    arrivals,
    toolCallMs,
    toolCalls,
    finishReason,
    failure,
  };
}
