import { z } from 'zod';
import { fetchWithTimeouts } from '@/lib/outbound/fetch-with-timeouts';
import { completionsRefused, describeBody, mapXipuHttpError, upstreamFailed } from './xipu-errors';

/**
 * The three XIPU endpoints (docs/xipu-protocol.md "Endpoints"). No pacing here: callers
 * take a turn from the pacer before each call.
 */

export interface XipuCredentials {
  jmToken: string;
  sdpSession: string;
}

export interface XipuApiOptions {
  apiBase: string;
  portalUrl: string;
  credentials: XipuCredentials;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  signal?: AbortSignal;
  fetch?: typeof fetch;
}

export interface SessionSettings {
  name: string;
  model: string;
  temperature: number;
  /** 0 means no limit (docs/xipu-protocol "Endpoints"). */
  maxToken: number;
  presencePenalty: number;
  frequencyPenalty: number;
  /** With an id, saveSession updates that session instead of creating one. */
  id?: number;
}

/** Only the fields we read; everything else in the reply is ignored. */
const replySchema = z.object({
  code: z.union([z.number(), z.string()]).transform(Number),
  msg: z.string().nullish(),
  data: z.unknown().optional(),
});
const saveSessionDataSchema = z.object({ id: z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]) });

export type XipuReply = { ok: true; data: unknown } | { ok: false; message: string };

/** Headers the browser sends (docs/xipu-protocol "Hosts and headers"); the credentials ride along. */
function xipuHeaders(options: XipuApiOptions): Record<string, string> {
  return {
    accept: 'application/json, text/plain, */*',
    'content-type': 'application/json',
    origin: options.portalUrl,
    referer: `${options.portalUrl}/`,
    'user-agent':
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36',
    'jm-token': options.credentials.jmToken,
    'sdp-app-session': options.credentials.sdpSession,
  };
}

async function postJson(endpoint: 'saveSession' | 'delSession', body: unknown, options: XipuApiOptions): Promise<XipuReply> {
  const { response, abort } = await fetchWithTimeouts(
    `${options.apiBase}/${endpoint}?sf_request_type=ajax`,
    { method: 'POST', headers: xipuHeaders(options), body: JSON.stringify(body) },
    { ...options, upstreamName: `XIPU ${endpoint}` },
  );
  try {
    const text = await response.text();
    if (response.status !== 200) throw mapXipuHttpError(response.status, text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw upstreamFailed(`${endpoint} answered something that is not JSON: ${describeBody(text)}`);
    }
    const reply = replySchema.safeParse(json);
    if (!reply.success) throw upstreamFailed(`${endpoint} answered an unexpected shape`);
    if (reply.data.code !== 0) return { ok: false, message: reply.data.msg ?? `code ${reply.data.code}` };
    return { ok: true, data: reply.data.data };
  } finally {
    abort();
  }
}

/** saveSession: creates (or, with `id`, updates) a session. */
export async function saveSession(
  settings: SessionSettings,
  options: XipuApiOptions,
): Promise<{ ok: true; id: number } | { ok: false; message: string }> {
  const reply = await postJson('saveSession', settings, options);
  if (!reply.ok) return reply;
  const data = saveSessionDataSchema.safeParse(reply.data);
  if (!data.success) throw upstreamFailed('saveSession answered without a session id');
  return { ok: true, id: data.data.id };
}

/** delSession: deletes several sessions in one call. */
export async function deleteSessions(ids: number[], options: XipuApiOptions): Promise<XipuReply> {
  return postJson('delSession', { ids }, options);
}

/**
 * completions: resolves once the response headers arrived. The caller owns the body and
 * must call `abort()` when done.
 * @throws GatewayError for non-200 answers and JSON refusals (e.g. an unknown session).
 */
export async function openCompletions(
  sessionId: number,
  text: string,
  options: XipuApiOptions,
): Promise<{ response: Response; abort: (reason?: unknown) => void; kind: 'event-stream' | 'text' }> {
  const opened = await fetchWithTimeouts(
    `${options.apiBase}/completions?sf_request_type=fetch`,
    {
      method: 'POST',
      headers: { ...xipuHeaders(options), accept: 'text/event-stream, application/json, text/plain, */*' },
      body: JSON.stringify({ text, files: [], sessionId }),
    },
    { ...options, upstreamName: 'XIPU completions' },
  );
  const { response, abort } = opened;
  const contentType = response.headers.get('content-type') ?? '';
  if (response.status !== 200 || contentType.includes('application/json')) {
    let body = '';
    try {
      body = await response.text();
    } finally {
      abort();
    }
    if (response.status !== 200) throw mapXipuHttpError(response.status, body);
    throw completionsRefused(body);
  }
  return { response, abort, kind: contentType.includes('text/event-stream') ? 'event-stream' : 'text' };
}
