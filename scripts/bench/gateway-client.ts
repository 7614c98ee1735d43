/** A streaming POST /v1/chat/completions against a running gateway, timed as it is read. */

export interface GatewayChatResult {
  ok: boolean;
  status: number;
  /** Request start → the first chunk with a non-empty `delta.content`. */
  ttftMs: number;
  /** Request start → the body ended. */
  totalMs: number;
  content: string;
  failure?: string;
}

export async function gatewayChat(
  gatewayUrl: string,
  apiKey: string,
  body: { model: string; messages: Array<{ role: string; content: string }> },
): Promise<GatewayChatResult> {
  const startedAt = performance.now();
  let ttftMs = Number.NaN;
  let content = '';
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
          choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
        };
        if (json.error) {
          failure ??= `stream error ${json.error.code ?? ''} ${json.error.message ?? ''}`.trim();
          return;
        }
        const choice = json.choices?.[0];
        const piece = choice?.delta?.content ?? '';
        if (piece !== '' && Number.isNaN(ttftMs)) ttftMs = performance.now() - startedAt;
        content += piece;
        if (choice?.finish_reason) finishReason = choice.finish_reason;
      };
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffered += value;
        let end = buffered.indexOf('\n\n');
        while (end !== -1) {
          handleEvent(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
          end = buffered.indexOf('\n\n');
        }
      }
      if (buffered.trim() !== '') handleEvent(buffered.trim());
      if (!failure && !sawDone) failure = 'stream ended without [DONE]';
      if (!failure && finishReason !== 'stop') failure = `finish_reason ${finishReason ?? 'missing'}`;
      if (!failure && content === '') failure = 'empty answer';
    }
  } catch (error) {
    failure = `fetch failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return { ok: failure === undefined, status, ttftMs, totalMs: performance.now() - startedAt, content, failure };
}
