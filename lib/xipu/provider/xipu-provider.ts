import { GatewayError, isGatewayError } from '@/lib/errors/gateway-error';
import { logEvent } from '@/lib/log/log-event';
import type { createPacer, PacerTurn } from '@/lib/pacing/pacer';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import type { ChatCallOptions, ChatProvider, ChatRequest, ChatStreamPart, ModelCard } from '@/lib/providers/chat-provider';
import { textBlock } from '@/lib/providers/stream-blocks';
import { splitThinkTags } from '@/lib/chat/split-think-tags';
import { endStreamWithFinish } from '@/lib/chat/end-stream-with-finish';
import { parseEventStream } from '@/lib/sse/parse-event-stream';
import type { CredentialSource } from '@/lib/xipu/api/credential-source';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import { detectCannedRefusal } from './detect-canned-refusal';
import { flattenMessages } from './flatten-messages';
import { parseXipuStream } from '../api/parse-xipu-stream';
import { createSessionRegistry, type SessionRegistry } from '../sessions/session-registry';
import { sweepExpiredSessions } from '../sessions/sweep-expired-sessions';
import { pacedXipuCall, type RateLimitBudget } from '../sessions/paced-xipu-call';
import { deleteSessions, openCompletions, saveSession, type SessionSettings, type XipuApiOptions } from '../api/xipu-api';
import { isSessionCapMessage, sessionCapReached, upstreamRefused } from '../api/xipu-errors';
import { isSessionGoneMessage } from '../api/is-session-gone-message';

type Pacer = ReturnType<typeof createPacer>;

export interface XipuProviderOptions {
  apiBase: string;
  portalUrl: string;
  models: string[];
  /** `owned_by` in the model list (says DEMO MODE when the upstream is simulated). */
  ownedBy: string;
  credentials: CredentialSource;
  /** The account's records: its session registry, its sweep's totals. */
  account: AccountStore;
  pacer: Pacer;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  thinkTags: 'split' | 'pass';
  /** Hold the account's schedule while a stream is open (PACER_SERIALIZE_STREAMS). */
  serializeStreams: boolean;
  /** How long a session's lease lasts without renewal (SESSION_LEASE_MS). */
  sessionLeaseMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** How often an open stream renews its hold on the schedule (the pacer's hold lease is 30 s). */
const HOLD_RENEW_MS = 10_000;
/**
 * Attempts of one chat when XIPU rejects tokens: this instance's copy may be stale (a newer
 * pair in the store), then one login's fresh pair — at most one login per request.
 */
const MAX_CHAT_ATTEMPTS = 3;
/**
 * Cleanup (after the response) waits this long for credentials other requests are logging in
 * for, when XIPU rejected the delete's: a short wait inside the route's cleanup reserve.
 */
const CLEANUP_CREDENTIALS_WAIT_MS = 5_000;
/** OpenAI's default when the client sends none. */
const DEFAULT_TEMPERATURE = 1;
/** Models listed with this creation time (the list is static; clients only display it). */
const MODEL_LIST_CREATED = 1_735_689_600;

/**
 * XIPU as a ChatProvider. Each request gets a fresh upstream session configured from the
 * request, the whole conversation flattened into one text, and the session is deleted after
 * the response has closed — on success, upstream errors, timeouts and client disconnects
 * at any stage (docs/xipu-protocol.md §1, §4). Every upstream call waits for its turn in
 * the account's shared schedule (§3).
 */
export function createXipuProvider(options: XipuProviderOptions): ChatProvider {
  const now = options.now ?? Date.now;
  const registry = createSessionRegistry(options.account, now, options.sessionLeaseMs);
  const knownModels = new Set(options.models);

  return {
    id: 'xipu',
    emptyAnswerNotice: "[XIPU returned an empty answer. This usually means the prompt contains a word on the service's blocked list; rephrase it and try again.]",

    listModels(): ModelCard[] {
      return options.models.map((id) => ({ id, ownedBy: options.ownedBy, created: MODEL_LIST_CREATED }));
    },

    async streamChat(request: ChatRequest, call: ChatCallOptions): Promise<ReadableStream<ChatStreamPart>> {
      const credentialContext = { defer: call.defer, origin: call.origin, signal: call.signal };
      const auth: CurrentCredentials = { credentials: await options.credentials.current(credentialContext) };
      const startedAt = now();
      let mayLogIn = true;
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await attemptChat(request, call, auth);
        } catch (error) {
          // XIPU rejected the token (403 / 500 "token error"): a newer stored pair, or fresh
          // credentials from one shared login — at most one login per request. Once a login
          // has run for it, replaceRejected only judges the fresh token (never served: a
          // failed login that backs off) or finds a newer pair.
          if (!isRejectedToken(error) || attempt >= MAX_CHAT_ATTEMPTS) throw error;
          auth.credentials = await options.credentials.replaceRejected(auth.credentials, credentialContext, { mayLogIn });
          if ((auth.credentials.obtainedAt ?? 0) >= startedAt) mayLogIn = false;
        }
      }
    },
  };

  async function attemptChat(request: ChatRequest, call: ChatCallOptions, auth: CurrentCredentials): Promise<ReadableStream<ChatStreamPart>> {
    const api: XipuApiOptions = {
      apiBase: options.apiBase,
      portalUrl: options.portalUrl,
      credentials: auth.credentials,
      firstByteTimeoutMs: options.firstByteTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      signal: call.signal,
      fetch: options.fetch,
    };
    const sessionId = await openSession(request, api, call);
    const lifecycle = createSessionLifecycle({
      sessionId,
      registry,
      pacer: options.pacer,
      api,
      auth,
      // The delete runs after the response: it may use credentials others log in for, never
      // asking for a login or recording a failure itself.
      fresherThan: (rejected) => options.credentials.fresherThan(rejected, CLEANUP_CREDENTIALS_WAIT_MS),
      requestId: call.requestId,
      model: request.model,
      now,
    });
    call.defer(() => lifecycle.close());

    try {
      const opened = await openCompletionsPaced(sessionId, flattenMessages(request.messages), api, lifecycle, call.defer);
      // The token served a whole chat (saveSession alone is not enough: a policy that refuses
      // completions must not pass for a revocation): a later rejection means revoked or
      // expired, and a login helps.
      if (await options.credentials.confirm(auth.credentials)) {
        // A new token's first success: sessions whose delete the rejected token could not do
        // (left to the sweep, their leases ended) are deleted now, after this response.
        call.defer(() => sweepAfterNewToken(api, call.requestId));
      }
      return assembleParts(opened, lifecycle, options.thinkTags);
    } catch (error) {
      await lifecycle.endStream();
      throw error;
    }
  }

  /** saveSession with retries: 429 → next slot (twice at most); the session cap → sweep, once. */
  async function openSession(request: ChatRequest, api: XipuApiOptions, call: ChatCallOptions): Promise<number> {
    const settings: SessionSettings = {
      name: sessionName(request.model, now()),
      model: request.model,
      temperature: request.temperature ?? DEFAULT_TEMPERATURE,
      maxToken: request.maxTokens ?? 0,
      presencePenalty: request.presencePenalty ?? 0,
      frequencyPenalty: request.frequencyPenalty ?? 0,
    };
    // One 429 budget for the whole open, also across the sweep's second try.
    const rateLimitBudget: RateLimitBudget = { retried: 0 };
    let swept = false;
    for (;;) {
      // The wait for the turn is aborted by the client, the call itself is not: once sent,
      // the upstream may create the session, and only its answer tells us which one to
      // delete. Its own timeouts still bound it.
      const reply = await pacedXipuCall(options.pacer, 'saveSession', () => saveSession(settings, { ...api, signal: undefined }), {
        signal: call.signal,
        defer: call.defer,
        rateLimitBudget,
      });
      if (reply.ok) {
        // The caller defers the delete as soon as this returns; a failed record only costs the
        // sweep's safety net (should this instance die before its cleanup), never the session.
        await registry.record({ id: reply.id, owner: call.requestId, model: request.model, createdAt: now() }).catch((error: unknown) => {
          logEvent('warn', 'session_record_failed', { requestId: call.requestId, session: reply.id, error: describeError(error) });
        });
        return reply.id;
      }
      if (isSessionCapMessage(reply.message)) {
        if (!swept) {
          swept = true;
          const deleted = await sweepExpiredSessions({ registry, pacer: options.pacer, api, account: options.account });
          logEvent('warn', 'session_cap_reached', { requestId: call.requestId, swept: deleted.length });
          if (deleted.length > 0) continue;
        }
        throw sessionCapReached(reply.message);
      }
      throw upstreamRefused(reply.message, request.model, knownModels.has(request.model));
    }
  }

  async function sweepAfterNewToken(api: XipuApiOptions, requestId: string): Promise<void> {
    try {
      const deleted = await sweepExpiredSessions({ registry, pacer: options.pacer, api: { ...api, signal: undefined }, account: options.account });
      if (deleted.length > 0) logEvent('info', 'sessions_swept_after_new_token', { requestId, sessions: deleted.length });
    } catch (error) {
      logEvent('warn', 'sweep_after_new_token_failed', { requestId, error: describeError(error) });
    }
  }

  /** completions with 429 retries; resolves once the answer's headers arrived. */
  async function openCompletionsPaced(
    sessionId: number,
    text: string,
    api: XipuApiOptions,
    lifecycle: SessionLifecycle,
    defer: ChatCallOptions['defer'],
  ): Promise<Awaited<ReturnType<typeof openCompletions>>> {
    return pacedXipuCall(
      options.pacer,
      'completions',
      async (turn) => {
        // The stream holds the turn (serialised mode) until it ends; the lifecycle closes the
        // upstream connection with it.
        lifecycle.holdWith(turn);
        const opened = await openCompletions(sessionId, text, api);
        lifecycle.attachUpstream(opened.abort);
        return opened;
      },
      { signal: api.signal, holdStream: options.serializeStreams, defer, afterFailure: () => lifecycle.endStream() },
    );
  }
}

type SessionLifecycle = ReturnType<typeof createSessionLifecycle>;

/** The credentials a request uses now; replaced when XIPU rejected the first ones. */
interface CurrentCredentials {
  credentials: StoredCredentials;
}

/**
 * Everything one upstream session owns: its lease (renewed while alive), the schedule hold
 * of its stream (serialised mode), the open upstream connection — and its deletion, which
 * runs exactly once after the response has closed.
 */
function createSessionLifecycle(context: {
  /** Other credentials when XIPU rejects the current ones, if some appear soon (CredentialSource.fresherThan). */
  fresherThan: (rejected: StoredCredentials) => Promise<StoredCredentials | undefined>;
  sessionId: number;
  registry: SessionRegistry;
  pacer: Pacer;
  api: XipuApiOptions;
  auth: CurrentCredentials;
  requestId: string;
  model: string;
  now: () => number;
}) {
  const createdAt = context.now();
  let heldTurn: PacerTurn | undefined;
  let abortUpstream: ((reason?: unknown) => void) | undefined;
  let closed: Promise<void> | undefined;

  // The session's lease is renewed when a third of it has passed; a stream's hold on the
  // schedule (serialised mode) more often, a third of the pacer's 30 s hold lease.
  const leaseRenewMs = Math.floor(context.registry.leaseMs / 3);
  let leaseRecordedAt = createdAt;
  /** The renewal in flight, which close() waits for before it deletes and forgets the session. */
  let renewing: Promise<void> = Promise.resolve();
  const renewTimer = setInterval(() => {
    renewing = renew();
  }, Math.min(leaseRenewMs, HOLD_RENEW_MS));
  renewTimer.unref?.();

  async function renew(): Promise<void> {
    try {
      // Never after close() began: a late renewal would re-record a deleted session.
      if (closed === undefined && context.now() - leaseRecordedAt >= leaseRenewMs) {
        await context.registry.record({ id: context.sessionId, owner: context.requestId, model: context.model, createdAt });
        leaseRecordedAt = context.now();
      }
      await heldTurn?.renewHold();
    } catch (error) {
      logEvent('warn', 'session_lease_renewal_failed', { requestId: context.requestId, error: describeError(error) });
    }
  }

  return {
    holdWith(turn: PacerTurn) {
      heldTurn = turn;
    },
    attachUpstream(abort: (reason?: unknown) => void) {
      abortUpstream = abort;
    },
    /** The stream is over (ended, failed or cancelled): close it and free the schedule. */
    async endStream(): Promise<void> {
      abortUpstream?.();
      const turn = heldTurn;
      heldTurn = undefined;
      await turn?.releaseHold().catch((error: unknown) => {
        logEvent('warn', 'pacer_release_failed', { requestId: context.requestId, error: describeError(error) });
      });
    },
    /** Deletes the session (once). A failure leaves it to the sweep, with its lease ended. */
    close(): Promise<void> {
      closed ??= (async () => {
        clearInterval(renewTimer);
        await renewing;
        await this.endStream();
        // Deleted with whatever credentials are current: a login may have replaced them.
        const deleteWith = (credentials: StoredCredentials) =>
          pacedXipuCall(context.pacer, 'delSession', () => deleteSessions([context.sessionId], { ...context.api, credentials, signal: undefined }));
        try {
          let reply: Awaited<ReturnType<typeof deleteSessions>>;
          try {
            reply = await deleteWith(context.auth.credentials);
          } catch (error) {
            // The token was revoked while the answer ran: once with a newer pair (a login
            // other requests started), else the sweep's — a new token's first success sweeps.
            if (!isRejectedToken(error)) throw error;
            const fresher = await context.fresherThan(context.auth.credentials);
            if (!fresher) throw error;
            context.auth.credentials = fresher;
            reply = await deleteWith(fresher);
          }
          // A session XIPU says no longer exists (the owner deleted it) is forgotten: the sweep
          // could only be refused for it again.
          if (!reply.ok && !isSessionGoneMessage(reply.message)) throw new Error(`delSession refused: ${reply.message}`);
          await context.registry.forget(context.sessionId);
          return;
        } catch (error) {
          logEvent('warn', 'session_delete_failed', { requestId: context.requestId, session: context.sessionId, error: describeError(error) });
        }
        // Leave it to the sweep: end the lease now so it need not wait for it to lapse.
        await context.registry.expire(context.sessionId).catch(() => undefined);
      })();
      return closed;
    },
  };
}

/** The upstream answer as stream parts: SSE → text → finish; think tags and refusals mapped. */
function assembleParts(
  opened: Awaited<ReturnType<typeof openCompletions>>,
  lifecycle: SessionLifecycle,
  thinkTags: 'split' | 'pass',
): ReadableStream<ChatStreamPart> {
  const body = opened.response.body ?? new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
  const textParts =
    opened.kind === 'event-stream' ? parseXipuEvents(body) : plainBodyAsParts(body);
  let parts = endStreamWithFinish(textParts, {
    finishReason: 'stop',
    onEnd: () => lifecycle.endStream(),
  });
  if (thinkTags === 'split') parts = parts.pipeThrough(splitThinkTags());
  return parts.pipeThrough(detectCannedRefusal());
}

/** XIPU's `data:` lines, each its own event (no blank lines promised between them). */
function parseXipuEvents(body: ReadableStream<Uint8Array>): ReadableStream<ChatStreamPart> {
  return parseEventStream(body, { eachDataLineIsAnEvent: true }).pipeThrough(parseXipuStream());
}

/**
 * A completions answer that is not an event stream: `Request Err!` arrives as a plain body
 * (docs/xipu-protocol §7). A plain body that is SSE after all is parsed as such.
 */
function plainBodyAsParts(body: ReadableStream<Uint8Array>): ReadableStream<ChatStreamPart> {
  return new ReadableStream<ChatStreamPart>({
    async start(controller) {
      const text = await new Response(body).text();
      if (/^data:/m.test(text)) {
        const reader = parseXipuEvents(new Response(text).body!).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          controller.enqueue(value);
        }
      } else if (text.trim()) {
        for (const part of textBlock('text-0', text.trim())) controller.enqueue(part);
      }
      controller.close();
    },
  });
}

/** `API · gpt-4.1 · 2026-11-22 04:36 UTC`: the owner recognises the gateway's sessions in the web history. */
export function sessionName(model: string, at: number): string {
  const stamp = new Date(at).toISOString().slice(0, 16).replace('T', ' ');
  return `API · ${model} · ${stamp} UTC`;
}

/** XIPU rejected the token (403 / 500 "token error": xipu-errors.ts). */
function isRejectedToken(error: unknown): boolean {
  return isGatewayError(error) && error.code === 'upstream_login_expired';
}

function describeError(error: unknown): string {
  if (error instanceof GatewayError) return `${error.status} ${error.code ?? ''} ${error.message}`.trim();
  return error instanceof Error ? error.message : String(error);
}
