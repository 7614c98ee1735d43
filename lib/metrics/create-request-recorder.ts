import { releaseLease } from '@/lib/auth/concurrency-lease';
import type { ChatRunEnd, ChatRunObserver } from '@/lib/chat/observe-chat-run';
import type { RouteAnswer } from '@/lib/http/gateway-route';
import type { TokenReservation } from '@/lib/keys/reserve-daily-tokens';
import { settleKeyUsage } from '@/lib/keys/settle-key-usage';
import { logEvent } from '@/lib/log/log-event';
import type { Store } from '@/lib/store/store';
import { countsAsError } from './classify-request-outcome';
import { recordRequest } from './record-request';
import { MAX_RECORDED_MODEL_LENGTH, type RequestRecord } from './request-record';

/** Collects one chat request's record from the three places that each know part of it. */
export interface RequestRecorder extends ChatRunObserver {
  /**
   * The handler read the body: which model, streamed or not, and (when the route acts for
   * another key than the caller's: the /admin chat) whose request it is.
   */
  describe(details: { model: string; stream: boolean; client?: string }): void;
  /** The provider (and account) the model routed to: its ChatProvider.id. */
  routedTo(upstream: string): void;
  /** The route answered (RouteScope.onAnswered): status and error code, success or failure. */
  answered(answer: RouteAnswer): void;
  /** The request holds this concurrency slot: save() releases it with the same store command. */
  holdLease(lease: { key: string; member: string }): void;
  /**
   * The request belongs to a managed key (lib/keys): save() also settles its usage — the
   * tokens `countedUsage` reads, replacing what was reserved — in one more store command.
   */
  chargeTo(charge: { keyId: string; reservation?: TokenReservation }): void;
  /** Where the request's token counts are read once it has ended (a chat's run.usage()). */
  countedUsage(read: () => { promptTokens: number; completionTokens: number }): void;
  /**
   * Writes the record (once; later calls do nothing). Meant for `after()`, when the response
   * has closed and a streamed answer has ended. Never throws: a store failure is logged, a
   * chat is never failed by its metrics.
   */
  save(): Promise<void>;
}

export interface RequestRecorderOptions {
  store: Store;
  requestId: string;
  /** The client key's name (ClientIdentity.name), never the key. */
  client: string;
  /** A managed key's id (ClientIdentity.id of a key with `managed`), recorded with the request. */
  keyId?: string;
  /** When the request started (epoch ms, the context's clock). */
  startedAt: number;
  now: () => number;
  /** The request's signal: aborted means the client went away. */
  signal: AbortSignal;
  /**
   * How long save() waits for a streamed answer's end that was not seen yet (a runtime that
   * runs `after()` a moment before a cancellation has travelled up the stream).
   */
  endWaitMs?: number;
}

const DEFAULT_END_WAIT_MS = 2_000;
const CLIENT_CLOSED: Pick<RequestRecord, 'status' | 'error'> = { status: 499, error: 'client_closed_request' };

/**
 * A per-request recorder: the chat handler creates it, registers `answered` with the route
 * wrapper and `save` with `defer`, and hands it to runChat as its observer. The
 * record holds timing and outcome only (request-record.ts).
 */
export function createRequestRecorder(options: RequestRecorderOptions): RequestRecorder {
  let details: { model: string; stream: boolean; client?: string } | undefined;
  let upstream: string | undefined;
  let answer: RouteAnswer | undefined;
  let firstTokenAt: number | undefined;
  let end: ChatRunEnd | undefined;
  let saved = false;
  let lease: { key: string; member: string } | undefined;
  let charge: { keyId: string; reservation?: TokenReservation } | undefined;
  let readUsage: (() => { promptTokens: number; completionTokens: number }) | undefined;
  let notifyEnd: (() => void) | undefined;
  const endSeen = new Promise<void>((resolve) => {
    notifyEnd = resolve;
  });

  function waitForEnd(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      timer.unref?.();
    });
    return Promise.race([endSeen, timeout]).finally(() => clearTimeout(timer));
  }

  /** What the request charges its managed key (undefined for other keys): the tokens counted once it ended. */
  function chargedUsage(): { promptTokens: number; completionTokens: number } | undefined {
    if (!charge) return undefined;
    const usage = readUsage?.() ?? { promptTokens: 0, completionTokens: 0 };
    return { promptTokens: Math.max(0, Math.round(usage.promptTokens)), completionTokens: Math.max(0, Math.round(usage.completionTokens)) };
  }

  function buildRecord(routeAnswer: RouteAnswer, charged: { promptTokens: number; completionTokens: number } | undefined): RequestRecord {
    let outcome: Pick<RequestRecord, 'status' | 'error'> = {
      status: routeAnswer.status,
      error: routeAnswer.error ?? (end?.outcome === 'error' ? end.error : undefined),
    };
    // The client went away mid-answer (or the answer never ended while it was gone).
    if (end?.outcome === 'cancelled' || (options.signal.aborted && end?.outcome !== 'finish' && routeAnswer.status < 400)) {
      outcome = CLIENT_CLOSED;
    }
    // An error answer ended when it was sent; a stream whose end was never seen, by now.
    const endedAt = end?.at ?? (routeAnswer.status < 400 ? options.now() : routeAnswer.at);
    return {
      at: options.startedAt,
      requestId: options.requestId,
      client: details?.client ?? options.client,
      // The key charged (the /admin chat's chosen key) or the one that authenticated.
      ...((charge?.keyId ?? options.keyId) === undefined ? {} : { keyId: charge?.keyId ?? options.keyId }),
      ...(details ? { model: details.model.slice(0, MAX_RECORDED_MODEL_LENGTH), stream: details.stream } : {}),
      ...(upstream === undefined ? {} : { upstream }),
      status: outcome.status,
      ...(end?.outcome === 'finish' ? { finishReason: end.finishReason } : {}),
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      ...(firstTokenAt === undefined ? {} : { ttftMs: Math.max(0, firstTokenAt - options.startedAt) }),
      durationMs: Math.max(0, Math.max(endedAt, routeAnswer.at) - options.startedAt),
      ...(charged ?? {}),
    };
  }

  return {
    describe(described) {
      details = described;
    },
    routedTo(provider) {
      upstream = provider;
    },
    answered(routeAnswer) {
      answer ??= routeAnswer;
    },
    firstToken(at) {
      firstTokenAt ??= at;
    },
    ended(outcome) {
      if (end) return;
      end = outcome;
      notifyEnd?.();
    },
    holdLease(held) {
      lease = held;
    },
    chargeTo(charged) {
      charge = charged;
    },
    countedUsage(read) {
      readUsage = read;
    },
    async save() {
      if (saved) return;
      saved = true;
      if (!answer) {
        logEvent('warn', 'metrics_without_answer', { requestId: options.requestId });
        if (lease) await releaseLease(options.store, lease.key, lease.member).catch(() => undefined);
        await settle(chargedUsage(), false);
        return;
      }
      if (answer.status < 400 && !end) await waitForEnd(options.endWaitMs ?? DEFAULT_END_WAIT_MS);
      const charged = chargedUsage();
      const record = buildRecord(answer, charged);
      try {
        await recordRequest(options.store, record, lease);
      } catch (error) {
        logEvent('warn', 'metrics_write_failed', { requestId: options.requestId, error: error instanceof Error ? error.message : String(error) });
        // The slot must not stay taken because the metrics failed; its lease would free it later anyway.
        if (lease) await releaseLease(options.store, lease.key, lease.member).catch(() => undefined);
      }
      await settle(charged, countsAsError(record));
    },
  };

  /**
   * A managed key's usage, counted once the answer ended — an error too when `failed` (the same
   * verdict as the hourly `errors` counter); a failure is logged (the reservation lapses with its day).
   */
  async function settle(usage: { promptTokens: number; completionTokens: number } | undefined, failed: boolean): Promise<void> {
    if (!charge || !usage) return;
    try {
      await settleKeyUsage(options.store, { ...charge, ...usage, at: options.now(), failed });
    } catch (error) {
      logEvent('warn', 'key_usage_write_failed', { requestId: options.requestId, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
