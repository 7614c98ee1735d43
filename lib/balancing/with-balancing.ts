import type { ChatProvider, ChatStreamPart, Readiness } from '@/lib/providers/chat-provider';
import { isRequestFault } from '@/lib/providers/fail-over';
import type { Store } from '@/lib/store/store';
import { outcomeOfError, type CallOutcome } from './call-outcome';
import type { CooldownPolicy } from './cooldown-policy';
import { readBalanceStates, readinessFromState, type BalanceState } from './read-balance-states';
import { startBalancedCall } from './start-balanced-call';

export interface BalancingOptions {
  policy?: CooldownPolicy;
  /** Where readiness reads the state; default one command for this endpoint alone (withBalancingGroup shares one read). */
  readState?: () => Promise<BalanceState>;
}

/**
 * An endpoint (a worker, an UPSTREAMS entry) with its load shared through the store, so the
 * registry's "fewest in flight" and the cooldown hold across instances (docs/workers.md
 * "Balancing and cooldown"). `readiness()` reads its state; `streamChat` and `embed` count the
 * call in flight from its start to the stream's end (its `finish` or `error` part, a read
 * failure, or the client cancelling it — not when the route returns its Response), and
 * record the outcome: a failure as fail-over.ts defines one counts towards the cooldown, a
 * success clears it.
 *
 * Store commands it adds per call: 2 (start, finish), +1 once after failures or for the probe;
 * readiness, read by the registry only when a model has several endpoints, 1 per read.
 */
export function withBalancing(provider: ChatProvider, store: Store, now: () => number, options: BalancingOptions = {}): ChatProvider {
  const readState = options.readState ?? (async () => (await readBalanceStates(store, [provider.id], now()))[0]!);
  const begin = (requestId: string) => startBalancedCall(store, provider.id, { requestId, now, policy: options.policy });
  const embed = provider.embed?.bind(provider);
  return {
    id: provider.id,
    native: provider.native,
    emptyAnswerNotice: provider.emptyAnswerNotice,
    listModels: () => provider.listModels(),
    readiness: async (): Promise<Readiness> => readinessFromState(await readState(), now()),

    async streamChat(request, callOptions) {
      const call = begin(callOptions.requestId);
      // After the response: a stream nobody read to its end still gives its lease back.
      callOptions.defer(() => call.finish('neutral'));
      let stream: ReadableStream<ChatStreamPart>;
      try {
        stream = await provider.streamChat(request, callOptions);
      } catch (error) {
        void call.finish(outcomeOfError(error, callOptions.signal));
        throw error;
      }
      void call.started();
      return observeStreamEnd(stream, (outcome) => void call.finish(outcome));
    },

    ...(embed
      ? {
          embed: async (request, callOptions) => {
            const call = begin(callOptions.requestId);
            callOptions.defer(() => call.finish('neutral'));
            try {
              const result = await embed(request, callOptions);
              void call.finish('success');
              return result;
            } catch (error) {
              void call.finish(outcomeOfError(error, callOptions.signal));
              throw error;
            }
          },
        }
      : {}),
  } satisfies ChatProvider;
}

/**
 * Several endpoints of one source balanced together: their readiness comes from ONE store
 * read for all of them, made on the first `readiness()` call (the registry asks each in turn).
 */
export function withBalancingGroup(providers: readonly ChatProvider[], store: Store, now: () => number, options: Omit<BalancingOptions, 'readState'> = {}): ChatProvider[] {
  let states: Promise<BalanceState[]> | undefined;
  const readAll = () => (states ??= readBalanceStates(store, providers.map((provider) => provider.id), now()));
  return providers.map((provider, index) => withBalancing(provider, store, now, { ...options, readState: async () => (await readAll())[index]! }));
}

/**
 * The same parts, telling `onEnd` once how the stream ended: `success` at its `finish` part (or
 * a plain end), `failure` at an endpoint's `error` part or a read that throws, `neutral` for a
 * request fault or a cancel (the client left).
 */
function observeStreamEnd(parts: ReadableStream<ChatStreamPart>, onEnd: (outcome: CallOutcome) => void): ReadableStream<ChatStreamPart> {
  const reader = parts.getReader();
  return new ReadableStream<ChatStreamPart>({
    async pull(controller) {
      let result: ReadableStreamReadResult<ChatStreamPart>;
      try {
        result = await reader.read();
      } catch (error) {
        onEnd('failure');
        controller.error(error);
        return;
      }
      if (result.done) {
        onEnd('success');
        controller.close();
        return;
      }
      const part = result.value;
      if (part.type === 'finish') onEnd('success');
      // Told at once: a consumer may stop reading at the last part.
      if (part.type === 'error') onEnd(isRequestFault(part.error) ? 'neutral' : 'failure');
      controller.enqueue(part);
    },
    cancel(reason) {
      onEnd('neutral');
      return reader.cancel(reason);
    },
  });
}
