import type { Endpoint, MintedCredentials, SimulatorHandle } from '@/simulator/start-simulator';

/** Query each endpoint is called with — docs/xipu-protocol "Endpoints". */
const requestTypes: Record<Endpoint, string> = { saveSession: 'ajax', completions: 'fetch', delSession: 'ajax' };

export type Credentials = Pick<MintedCredentials, 'jmToken' | 'sdpSession'>;

/** Calls an API endpoint the way the browser (and the gateway) does. */
export function callApi(
  simulator: SimulatorHandle,
  endpoint: Endpoint,
  body: unknown,
  credentials: Credentials,
  init: { signal?: AbortSignal; requestType?: string | null } = {},
): Promise<Response> {
  const requestType = init.requestType === undefined ? requestTypes[endpoint] : init.requestType;
  const query = requestType === null ? '' : `?sf_request_type=${requestType}`;
  return fetch(`${simulator.apiBase}/${endpoint}${query}`, {
    method: 'POST',
    headers: {
      accept: 'application/json, text/plain, */*',
      'content-type': 'application/json',
      'jm-token': credentials.jmToken,
      'sdp-app-session': credentials.sdpSession,
    },
    body: JSON.stringify(body),
    signal: init.signal,
  });
}

/** A saveSession body with the adapter's settings. */
export function sessionSettings(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'API · test', model: 'gpt-4.1', temperature: 1, maxToken: 0, presencePenalty: 0, frequencyPenalty: 0, ...overrides };
}

/** Creates a session and answers its id; fails the test on anything but `code: 0`. */
export async function createSession(simulator: SimulatorHandle, credentials: Credentials, overrides: Record<string, unknown> = {}): Promise<number> {
  const response = await callApi(simulator, 'saveSession', sessionSettings(overrides), credentials);
  const reply = (await response.json()) as { code: number; msg: string; data?: { id: number } };
  if (response.status !== 200 || reply.code !== 0 || reply.data === undefined) {
    throw new Error(`saveSession failed: ${response.status} ${JSON.stringify(reply)}`);
  }
  return reply.data.id;
}

/** One line of a completions body as it arrived, with its arrival time (performance.now()). */
export interface ReceivedLine {
  line: string;
  at: number;
}

/**
 * Reads a body line by line as it arrives (`\n` split; a trailing `\r` stays on the line).
 * Leaving the loop early does not cancel the body: the stream stays open until aborted.
 */
export async function* readLines(response: Response): AsyncGenerator<ReceivedLine> {
  if (response.body === null) return;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline !== -1) {
      yield { line: buffered.slice(0, newline), at: performance.now() };
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
  }
  buffered += decoder.decode();
  if (buffered !== '') yield { line: buffered, at: performance.now() };
}

/** A whole completions body, taken apart the way docs/xipu-protocol describes it. */
export interface ReadStream {
  raw: string;
  lines: string[];
  /** The string `data` values in order. */
  pieces: string[];
  /** Arrival time of each piece. */
  pieceTimes: number[];
  text: string;
  /** Non-string `data` values (metadata). */
  metadata: unknown[];
  done: boolean;
}

/** Reads a completions stream to its end. */
export async function readStream(response: Response): Promise<ReadStream> {
  const stream: ReadStream = { raw: '', lines: [], pieces: [], pieceTimes: [], text: '', metadata: [], done: false };
  for await (const { line, at } of readLines(response)) {
    stream.raw += `${line}\n`;
    const content = line.replace(/\r$/, '');
    stream.lines.push(content);
    if (!content.startsWith('data:')) continue;
    const payload = content.slice('data:'.length);
    if (payload === '[DONE]') {
      stream.done = true;
      continue;
    }
    const value = (JSON.parse(payload) as { data: unknown }).data;
    if (typeof value === 'string') {
      stream.pieces.push(value);
      stream.pieceTimes.push(at);
    } else {
      stream.metadata.push(value);
    }
  }
  stream.text = stream.pieces.join('');
  return stream;
}

/** Resolves once `condition` holds, checking on every turn of the event loop; rejects after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A clock the test moves by hand (epoch ms). */
export function createManualClock(start = 1_750_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
  };
}
