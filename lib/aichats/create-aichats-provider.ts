import { describeErrorForLog, GatewayError } from '@/lib/errors/gateway-error';
import { logEvent } from '@/lib/log/log-event';
import { fetchWithTimeouts } from '@/lib/outbound/fetch-with-timeouts';
import { readUpstreamError } from '@/lib/outbound/read-upstream-error';
import { catchStreamErrors } from '@/lib/providers/catch-stream-errors';
import type { ChatProvider, ModelCard } from '@/lib/providers/chat-provider';
import { parseEventStream } from '@/lib/sse/parse-event-stream';
import { mapAichatsEvents } from './map-aichats-events';
import { toMessagesHistory } from './to-messages-history';

export interface AichatsProviderOptions {
  /** The site, without a trailing slash (AICHATS_BASE_URL): calls go to `{baseUrl}/chat/send2/`. */
  baseUrl: string;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  fetch?: typeof fetch;
}

/** The models the seed allowed: the site serves one model under both names — docs/aichats.md. */
export const AICHATS_MODELS = ['gpt-4o', 'gpt-4o-2024-05-13'] as const;

/** Names the site in error messages and timeouts; the provider's id is `aichats`. */
const UPSTREAM_NAME = 'ai-chats.org';
const MODEL_LIST_CREATED = 1_735_689_600;

/**
 * The browser-like headers the seed sent (docs/aichats.md "The call"): the site serves its own
 * chat page, and a call without its origin and referer looks like what it is.
 */
function siteHeaders(baseUrl: string): Record<string, string> {
  return {
    accept: 'application/json, text/event-stream',
    'accept-language': 'zh-CN,zh;q=0.9',
    'content-type': 'application/json',
    origin: baseUrl,
    referer: `${baseUrl}/chat/`,
    'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  };
}

/**
 * ai-chats.org's web chat as a ChatProvider, best effort: a third-party site with no API
 * contract, reverse-engineered by the seed (docs/aichats.md). One `POST /chat/send2/` per chat
 * with the whole history; its `data:` lines are the answer's text. Text only: tools and JSON
 * answers are emulated by the pipeline (no `native`), and temperature, max tokens and the
 * like are not sent (the site takes none). `streamChat` resolves once the site answered 2xx,
 * so a refusal fails over or reaches the client with its own status; bounded by the
 * first-byte and idle timeouts; the client's disconnect aborts the call. Logs name the
 * request and the status, never the conversation.
 */
export function createAichatsProvider(options: AichatsProviderOptions): ChatProvider {
  const timeouts = { firstByteTimeoutMs: options.firstByteTimeoutMs, idleTimeoutMs: options.idleTimeoutMs, upstreamName: UPSTREAM_NAME, fetch: options.fetch };
  return {
    id: 'aichats',
    emptyAnswerNotice:
      '[ai-chats.org returned an empty answer. The site may have changed, or it may be limiting this gateway (it is a free third-party site); try again later or choose another model.]',

    listModels(): ModelCard[] {
      return AICHATS_MODELS.map((id) => ({ id, ownedBy: 'aichats', created: MODEL_LIST_CREATED }));
    },

    async streamChat(request, callOptions) {
      const body = { type: 'chat', messagesHistory: toMessagesHistory(request.messages) };
      const { response, abort } = await fetchWithTimeouts(
        `${options.baseUrl}/chat/send2/`,
        { method: 'POST', headers: siteHeaders(options.baseUrl), body: JSON.stringify(body) },
        { ...timeouts, signal: callOptions.signal },
      );
      const refusal = !response.ok || !response.body ? await readUpstreamError(response, UPSTREAM_NAME) : notAnEventStream(response);
      if (refusal) {
        abort();
        logEvent('warn', 'upstream_refused', { requestId: callOptions.requestId, upstream: 'aichats', error: describeErrorForLog(refusal) });
        throw refusal;
      }
      return catchStreamErrors(parseEventStream(response.body!, { eachDataLineIsAnEvent: true }).pipeThrough(mapAichatsEvents()), UPSTREAM_NAME, abort);
    },
  };
}

/**
 * A 2xx page instead of a stream: a bot check or a changed site, not an empty answer. Read
 * as an answer it would be silently empty; as a 502 it fails over and says what happened.
 */
function notAnEventStream(response: Response): GatewayError | undefined {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('text/html')) return undefined;
  return new GatewayError(`${UPSTREAM_NAME} answered with a web page instead of a chat stream: the site may have changed or be checking for bots.`, {
    status: 502,
    type: 'upstream_error',
    code: 'upstream_malformed',
  });
}
