/**
 * A minimal client that speaks the XIPU protocol itself (docs/xipu-protocol "Endpoints"),
 * with no gateway, no Redis and no shared schedule: the benchmark's baseline.
 * directChat is the ancestor adapter's pattern: saveSession → wait the gap after its answer →
 * completions → read the stream → delSession. streamCompletions alone, into a session made
 * beforehand, is what the model itself takes ("bare completions").
 */

export interface DirectClientOptions {
  /** The simulator's `apiBase`. */
  apiBase: string;
  credentials: { jmToken: string; sdpSession: string };
  model: string;
  /** Waited after saveSession's answer before completions (the ancestor slept 1 s). */
  gapMs: number;
  /**
   * true: delSession waits until `gapMs` after the completions answer (a polite client on an
   * idle account). false: delSession right after the stream ends (the ancestor adapter, which
   * only slept between its own first two calls).
   */
  paceDelete: boolean;
}

export interface DirectChatResult {
  ok: boolean;
  /** Request start → first non-empty piece of the answer. */
  ttftMs: number;
  /** Request start → the stream ended (before delSession). */
  streamEndMs: number;
  /** Request start → delSession answered. */
  totalMs: number;
  /** The answer's text. */
  content: string;
  /** What went wrong, when not ok. */
  failure?: string;
  /** A session this chat created and could not delete. */
  leftSessionId?: number;
}

interface JsonReply {
  status: number;
  code: number | undefined;
  msg: string;
  data: unknown;
}

const sleep = (delayMs: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, delayMs)));

function headers(options: Pick<DirectClientOptions, 'credentials'>, accept = 'application/json, text/plain, */*') {
  return {
    accept,
    'content-type': 'application/json',
    origin: 'https://xipuai.xjtlu.edu.cn',
    referer: 'https://xipuai.xjtlu.edu.cn/',
    'jm-token': options.credentials.jmToken,
    'sdp-app-session': options.credentials.sdpSession,
  };
}

async function postJson(
  options: Pick<DirectClientOptions, 'apiBase' | 'credentials'>,
  endpoint: 'saveSession' | 'delSession',
  body: unknown,
): Promise<JsonReply> {
  const response = await fetch(`${options.apiBase}/${endpoint}?sf_request_type=ajax`, {
    method: 'POST',
    headers: headers(options),
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: { code?: number; msg?: string; data?: unknown } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = { msg: text };
  }
  return { status: response.status, code: json.code, msg: String(json.msg ?? ''), data: json.data };
}

/** delSession of several ids at once; true when the upstream confirmed. */
export async function deleteSessions(
  options: Pick<DirectClientOptions, 'apiBase' | 'credentials'>,
  ids: readonly number[],
): Promise<{ ok: boolean; status: number; msg: string }> {
  const reply = await postJson(options, 'delSession', { ids });
  return { ok: reply.status === 200 && reply.code === 0, status: reply.status, msg: reply.msg };
}

/** saveSession with the benchmark's settings: the new session's id, or why not. */
export async function createSession(options: Pick<DirectClientOptions, 'apiBase' | 'credentials' | 'model'>): Promise<{ id: number } | { failure: string }> {
  const saved = await postJson(options, 'saveSession', {
    name: 'bench · direct',
    model: options.model,
    temperature: 1,
    maxToken: 0,
    presencePenalty: 0,
    frequencyPenalty: 0,
  });
  const sessionId = (saved.data as { id?: unknown } | undefined)?.id;
  if (saved.status !== 200 || saved.code !== 0 || typeof sessionId !== 'number') return { failure: `saveSession ${saved.status} ${saved.msg}`.trim() };
  return { id: sessionId };
}

export interface CompletionsResult {
  /** `startedAt` → first non-empty piece. */
  ttftMs: number;
  content: string;
  /** When completions answered (performance.now()). */
  answeredAt: number;
  failure?: string;
}

/** One completions call into an existing session, read to its end; times from `startedAt` (performance.now()). */
export async function streamCompletions(
  options: Pick<DirectClientOptions, 'apiBase' | 'credentials'>,
  sessionId: number,
  text: string,
  startedAt = performance.now(),
): Promise<CompletionsResult> {
  let ttftMs = Number.NaN;
  let content = '';
  let failure: string | undefined;
  const response = await fetch(`${options.apiBase}/completions?sf_request_type=fetch`, {
    method: 'POST',
    headers: headers(options, 'text/event-stream, application/json, text/plain, */*'),
    body: JSON.stringify({ text, files: [], sessionId }),
  });
  const answeredAt = performance.now();
  if (response.status !== 200 || !(response.headers.get('content-type') ?? '').includes('text/event-stream')) {
    failure = `completions ${response.status} ${(await response.text()).slice(0, 120)}`.trim();
  } else {
    await readXipuStream(response, (piece) => {
      if (piece !== '' && Number.isNaN(ttftMs)) ttftMs = performance.now() - startedAt;
      content += piece;
    });
    if (content === '') failure = 'completions: empty stream';
  }
  return { ttftMs, content, answeredAt, failure };
}

/** One chat in a fresh session, deleted afterwards. Never throws for upstream refusals. */
export async function directChat(options: DirectClientOptions, text: string): Promise<DirectChatResult> {
  const startedAt = performance.now();
  const result = (fields: Omit<DirectChatResult, 'ttftMs' | 'streamEndMs' | 'totalMs' | 'content'> &
    Partial<Pick<DirectChatResult, 'ttftMs' | 'streamEndMs' | 'content'>>): DirectChatResult => ({
    ttftMs: Number.NaN,
    streamEndMs: Number.NaN,
    content: '',
    totalMs: performance.now() - startedAt,
    ...fields,
  });

  const saved = await createSession(options);
  if ('failure' in saved) return result({ ok: false, failure: saved.failure });
  const sessionId = saved.id;
  await sleep(options.gapMs);

  const { ttftMs, content, answeredAt, failure } = await streamCompletions(options, sessionId, text, startedAt);
  const streamEndMs = performance.now() - startedAt;

  if (options.paceDelete) await sleep(answeredAt + options.gapMs - performance.now());
  const deleted = await deleteSessions(options, [sessionId]);
  if (!deleted.ok) {
    return result({
      ok: false,
      ttftMs,
      streamEndMs,
      content,
      failure: failure ?? `delSession ${deleted.status} ${deleted.msg}`.trim(),
      leftSessionId: sessionId,
    });
  }
  return result({ ok: failure === undefined, ttftMs, streamEndMs, content, failure });
}

/**
 * Reads XIPU's completions body: lines of `data:<json>` whose `data` is the next piece when
 * it is a string (anything else is metadata); `[DONE]`, blank and non-data lines are skipped.
 */
async function readXipuStream(response: Response, onPiece: (piece: string) => void): Promise<void> {
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  if (!reader) return;
  let buffered = '';
  const handleLine = (rawLine: string) => {
    const line = rawLine.replace(/\r$/, '');
    if (!line.startsWith('data:')) return;
    const payload = line.slice(5).trim();
    if (payload === '' || payload === '[DONE]') return;
    try {
      const event = JSON.parse(payload) as { data?: unknown };
      if (typeof event.data === 'string') onPiece(event.data);
    } catch {
      // not JSON: skipped, as the adapter did
    }
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += value;
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      handleLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
  }
  if (buffered !== '') handleLine(buffered);
}
