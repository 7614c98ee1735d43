import { describeErrorForLog } from '@/lib/errors/gateway-error';
import { logEvent } from '@/lib/log/log-event';
import type { Pacer } from '@/lib/pacing/pacer';
import type { ChatCallOptions, ChatProvider, ChatRequest, ChatStreamPart, ModelCard } from '@/lib/providers/chat-provider';
import type { AccountStore } from '@/lib/xipu/account/account-store';
import type { CredentialSource } from '@/lib/xipu/api/credential-source';
import { openCompletions, type SessionSettings, type XipuApiOptions } from '@/lib/xipu/api/xipu-api';
import { isCompletionsRefusal, isRejectedToken } from '@/lib/xipu/api/xipu-errors';
import { isSessionGoneMessage } from '@/lib/xipu/api/is-session-gone-message';
import { openUpstreamSession } from '@/lib/xipu/sessions/open-upstream-session';
import { pacedXipuCall } from '@/lib/xipu/sessions/paced-xipu-call';
import type { CurrentCredentials, SessionLifecycle } from '@/lib/xipu/sessions/session-lifecycle';
import { createSessionRegistry } from '@/lib/xipu/sessions/session-registry';
import { sweepExpiredSessions } from '@/lib/xipu/sessions/sweep-expired-sessions';
import { sessionName } from '@/lib/xipu/sessions/session-name';
import type { SessionUpkeep } from '@/lib/xipu/sessions/session-upkeep';
import { assembleParts } from './assemble-parts';
import { flattenMessages } from './flatten-messages';

export interface XipuProviderOptions {
  apiBase: string;
  portalUrl: string;
  models: string[];
  /** `owned_by` in the model list (says DEMO MODE when the upstream is simulated). */
  ownedBy: string;
  credentials: CredentialSource;
  /** The account's records: its session registry, its sweep's totals; its id labels its chats (`xipu:<id>`). */
  account: AccountStore;
  pacer: Pacer;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  thinkTags: 'split' | 'pass';
  /** Hold the account's schedule while a stream is open (PACER_SERIALIZE_STREAMS). */
  serializeStreams: boolean;
  /** How long a session's lease lasts without renewal (SESSION_LEASE_MS). */
  sessionLeaseMs?: number;
  /** The account's warm session pool and delete queue; absent: each chat creates and deletes its own session. */
  upkeep?: SessionUpkeep;
  fetch?: typeof fetch;
  now?: () => number;
}

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
 * XIPU as a ChatProvider: the orchestration of one chat. Each request gets a fresh upstream
 * session configured from the request (lib/xipu/sessions/open-upstream-session.ts), the whole
 * conversation flattened into one text, and the session is deleted after the response has
 * closed — on success, upstream errors, timeouts and client disconnects at any stage
 * (docs/xipu-protocol.md §1, §4). Every upstream call waits for its turn in the account's
 * shared schedule (§3). A rejected token gets a newer pair or one shared login, then a retry.
 */
export function createXipuProvider(options: XipuProviderOptions): ChatProvider {
  const now = options.now ?? Date.now;
  const registry = createSessionRegistry(options.account, now, options.sessionLeaseMs);
  const knownModels = new Set(options.models);
  const { upkeep } = options;

  return {
    id: `xipu:${options.account.accountId}`,
    // XIPU answers an empty stream for a prompt with a blocked word (docs/xipu-protocol §7).
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

  async function attemptChat(request: ChatRequest, call: ChatCallOptions, auth: CurrentCredentials, skipPool = false): Promise<ReadableStream<ChatStreamPart>> {
    const api: XipuApiOptions = {
      apiBase: options.apiBase,
      portalUrl: options.portalUrl,
      credentials: auth.credentials,
      firstByteTimeoutMs: options.firstByteTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      signal: call.signal,
      fetch: options.fetch,
    };
    const session = await openUpstreamSession({
      settings: sessionSettings(request, now()),
      modelKnown: knownModels.has(request.model),
      api,
      auth,
      registry,
      pacer: options.pacer,
      account: options.account,
      fresherThan: (rejected) => options.credentials.fresherThan(rejected, CLEANUP_CREDENTIALS_WAIT_MS),
      call,
      now,
      upkeep,
      skipPool,
    });
    call.defer(() => session.close());

    try {
      const opened = await openCompletionsPaced(session, flattenMessages(request.messages), api, call);
      // The token served a whole chat (saveSession alone is not enough: a policy that refuses
      // completions must not pass for a revocation): a later rejection means revoked or
      // expired, and a login helps.
      if (await options.credentials.confirm(auth.credentials)) {
        // A new token's first success: sessions whose delete the rejected token could not do
        // (left to the sweep, their leases ended) are deleted now, after this response.
        call.defer(() => sweepAfterNewToken(api, call.requestId));
      }
      return assembleParts(opened, { thinkTags: options.thinkTags, onEnd: () => session.endStream() });
    } catch (error) {
      await session.endStream();
      // A session XIPU says is gone is forgotten, not queued for a delete that would be refused.
      if (isCompletionsRefusal(error) && isSessionGoneMessage(error.upstreamMessage)) session.forgetOnClose();
      // A pooled session XIPU refused to answer in (it may have gone stale, or its owner deleted
      // it): once more with a fresh one, still before any byte reached the client. A 5xx, a
      // timeout, a token or the schedule failing is no fault of the session.
      if (session.pooled && !call.signal.aborted && isCompletionsRefusal(error)) {
        logEvent('warn', 'pooled_session_failed', { requestId: call.requestId, session: session.sessionId, error: describeErrorForLog(error) });
        return await attemptChat(request, call, auth, true);
      }
      throw error;
    }
  }

  async function sweepAfterNewToken(api: XipuApiOptions, requestId: string): Promise<void> {
    try {
      const deleted = await sweepExpiredSessions({ registry, pacer: options.pacer, api: { ...api, signal: undefined }, account: options.account });
      if (deleted.length > 0) logEvent('info', 'sessions_swept_after_new_token', { requestId, sessions: deleted.length });
    } catch (error) {
      logEvent('warn', 'sweep_after_new_token_failed', { requestId, error: describeErrorForLog(error) });
    }
  }

  /** completions with 429 retries; resolves once the answer's headers arrived. */
  async function openCompletionsPaced(
    session: SessionLifecycle,
    text: string,
    api: XipuApiOptions,
    call: Pick<ChatCallOptions, 'defer' | 'onTurn' | 'queueAs'>,
  ): Promise<Awaited<ReturnType<typeof openCompletions>>> {
    return pacedXipuCall(
      options.pacer,
      'completions',
      async (turn) => {
        // The stream holds the turn (serialised mode) until it ends; the lifecycle closes the
        // upstream connection with it.
        session.holdWith(turn);
        const opened = await openCompletions(session.sessionId, text, api);
        session.attachUpstream(opened.abort);
        return opened;
      },
      { signal: api.signal, holdStream: options.serializeStreams, defer: call.defer, onTurn: call.onTurn, queueAs: call.queueAs, afterFailure: () => session.endStream() },
    );
  }
}

/** The session XIPU opens for a request: its name, model and sampling settings. */
function sessionSettings(request: ChatRequest, at: number): SessionSettings {
  return {
    name: sessionName(request.model, at),
    model: request.model,
    temperature: request.temperature ?? DEFAULT_TEMPERATURE,
    maxToken: request.maxTokens ?? 0,
    presencePenalty: request.presencePenalty ?? 0,
    frequencyPenalty: request.frequencyPenalty ?? 0,
  };
}
