import type { EventSourceMessage } from 'eventsource-parser';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart, FinishReason } from '@/lib/providers/chat-provider';
import { createBlockWriter } from '@/lib/providers/stream-blocks';

/** The parts of an OpenAI `chat.completion.chunk` this mapping reads. */
interface OpenAiChunk {
  choices?: Array<{
    delta?: {
      content?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
    };
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string };
}

/**
 * OpenAI's streamed chunks → the gateway's stream parts: text and reasoning
 * (`reasoning_content`, DeepSeek and vLLM; `reasoning`, Ollama and OpenRouter) as blocks, each
 * tool call as a block of its own (the upstream's call id kept: the client sends it back),
 * `usage` from the last chunk, then `finish`. Tool calls arrive by `index` and may interleave
 * in principle; one block is open at a time, so a call's pieces are held until the next call
 * or the end, then written whole — agents read whole calls anyway. A body that ends without a
 * finish reason, an `error` event or a malformed chunk ends in an `error` part.
 */
export function mapOpenAiChunks(upstreamName: string): TransformStream<EventSourceMessage, ChatStreamPart> {
  let finishReason: FinishReason | undefined;
  let usage: { promptTokens: number; completionTokens: number } | undefined;
  let failed = false;
  const calls = new Map<number, { id: string; name: string; arguments: string }>();
  let writer: ReturnType<typeof createBlockWriter>;
  const flushCalls = (controller: TransformStreamDefaultController<ChatStreamPart>) => {
    writer.end();
    for (const call of [...calls.entries()].sort(([a], [b]) => a - b).map(([, value]) => value)) {
      controller.enqueue({ type: 'tool-call-start', id: call.id, name: call.name });
      if (call.arguments !== '') controller.enqueue({ type: 'tool-call-delta', id: call.id, argumentsDelta: call.arguments });
      controller.enqueue({ type: 'tool-call-end', id: call.id });
    }
    calls.clear();
  };
  const fail = (controller: TransformStreamDefaultController<ChatStreamPart>, error: GatewayError) => {
    if (failed) return;
    failed = true;
    writer.end();
    controller.enqueue({ type: 'error', error });
  };
  return new TransformStream<EventSourceMessage, ChatStreamPart>({
    start(controller) {
      writer = createBlockWriter((part) => controller.enqueue(part));
    },
    transform(event, controller) {
      if (failed) return;
      const data = event.data.trim();
      if (data === '' || data === '[DONE]') return;
      let chunk: OpenAiChunk;
      try {
        chunk = JSON.parse(data) as OpenAiChunk;
      } catch {
        fail(controller, new GatewayError(`${upstreamName} sent a malformed stream chunk.`, { status: 502, type: 'upstream_error', code: 'upstream_malformed' }));
        return;
      }
      if (event.event === 'error' || chunk.error) {
        fail(controller, new GatewayError(`${upstreamName} failed mid-stream: ${String(chunk.error?.message ?? 'error event').slice(0, 300)}`, { status: 502, type: 'upstream_error', code: 'upstream_error' }));
        return;
      }
      if (chunk.usage && typeof chunk.usage.prompt_tokens === 'number') {
        usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens ?? 0 };
      }
      const choice = chunk.choices?.[0];
      if (!choice) return;
      const delta = choice.delta ?? {};
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) writer.write('reasoning', reasoning);
      if (delta.content) writer.write('text', delta.content);
      for (const piece of delta.tool_calls ?? []) {
        const index = piece.index ?? 0;
        const call = calls.get(index) ?? { id: '', name: '', arguments: '' };
        if (piece.id) call.id = piece.id;
        if (piece.function?.name) call.name += piece.function.name;
        if (piece.function?.arguments) call.arguments += piece.function.arguments;
        calls.set(index, call);
      }
      if (choice.finish_reason) finishReason = mapFinishReason(choice.finish_reason);
    },
    flush(controller) {
      if (failed) return;
      if (finishReason === undefined) {
        fail(controller, new GatewayError(`${upstreamName}'s stream ended before its answer was complete.`, { status: 502, type: 'upstream_error', code: 'upstream_stream_incomplete' }));
        return;
      }
      for (const [index, call] of calls) if (call.id === '') call.id = `call_upstream${index}`;
      flushCalls(controller);
      if (usage) controller.enqueue({ type: 'usage', ...usage });
      controller.enqueue({ type: 'finish', finishReason });
    },
  });
}

/** `function_call` is the legacy name of `tool_calls`; anything unknown reads as `stop`. */
function mapFinishReason(reason: string): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'content_filter':
      return 'content_filter';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    default:
      return 'stop';
  }
}
