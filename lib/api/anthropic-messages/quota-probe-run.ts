import type { ChatRun } from '@/lib/chat/run-chat';
import type { ChatRequest, ChatStreamPart } from '@/lib/providers/chat-provider';

/** The probe's answer: one token, as a real model would stop at `max_tokens: 1`. */
const PROBE_ANSWER = 'OK';

/**
 * Claude Code's quota probe (`max_tokens: 1`, no tools) checks that the key works; answered by
 * the upstream it would take one of the account's paced slots from the user's turn.
 * Any such request gets this local answer instead.
 */
export function isQuotaProbe(request: ChatRequest): boolean {
  return request.maxTokens === 1 && request.tools === undefined;
}

/** A finished ChatRun with the fixed one-token answer and `stop_reason: max_tokens`, for the shape's encoder. */
export function quotaProbeRun(createdAt: number): ChatRun {
  const parts: ChatStreamPart[] = [
    { type: 'text-start', id: 'text-0' },
    { type: 'text-delta', id: 'text-0', text: PROBE_ANSWER },
    { type: 'text-end', id: 'text-0' },
    { type: 'usage', promptTokens: 1, completionTokens: 1 },
    { type: 'finish', finishReason: 'length' },
  ];
  return {
    parts: new ReadableStream<ChatStreamPart>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    }),
    createdAt,
    usage: () => ({ promptTokens: 1, completionTokens: 1 }),
  };
}
