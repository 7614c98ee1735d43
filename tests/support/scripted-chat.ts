import type { ChatRunEnd } from '@/lib/chat/observe-chat-run';
import type { ChatRunScope } from '@/lib/chat/run-chat';
import type { ChatCallOptions, ChatProvider, ChatRequest, ChatStreamPart } from '@/lib/providers/chat-provider';
import { streamOf } from './stream-helpers';

/** The clock of a scripted run: every `now()` and the request's start. */
export const RUN_NOW = Date.UTC(2025, 4, 1, 12, 0, 0);

/** A provider that answers every chat with `parts`, recording the options it was called with. */
export function scriptedProvider(
  parts: ChatStreamPart[],
  extra: Partial<ChatProvider> = {},
): ChatProvider & { calls: ChatCallOptions[] } {
  const calls: ChatCallOptions[] = [];
  return {
    id: 'scripted',
    calls,
    listModels: () => [],
    async streamChat(_request, options) {
      calls.push(options);
      return streamOf(parts);
    },
    ...extra,
  };
}

export function chatRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'gpt-4.1', messages: [{ role: 'user', content: 'Say hello' }], stop: [], stream: true, includeUsage: false, ...overrides };
}

/** A run's scope at {@link RUN_NOW}, and what its metrics observer was told, in order. */
export function chatRunScope(provider: ChatProvider, overrides: Partial<ChatRunScope> = {}) {
  const observed: Array<{ firstToken: number } | { ended: ChatRunEnd }> = [];
  const scope: ChatRunScope = {
    provider,
    requestId: 'req_run_test',
    signal: new AbortController().signal,
    defer: () => undefined,
    now: () => RUN_NOW,
    startedAt: RUN_NOW,
    startDeadlineMs: 5_000,
    toolTrigger: 'xg7',
    origin: 'http://gateway.test',
    observer: {
      firstToken: (at) => void observed.push({ firstToken: at }),
      ended: (end) => void observed.push({ ended: end }),
    },
    ...overrides,
  };
  return { scope, observed };
}
