import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { readJsonBody } from '@/simulator/read-json-body';
import { wait } from '@/simulator/wait';
import { encodeAichatsAnswer } from './encode-aichats-answer';

/** The site's chat call (docs/aichats.md "The call"). */
export const aichatsChatPath = '/chat/send2/';
/** Its control routes: `GET state`, `POST fault|options|reset`. */
export const aichatsControlPrefix = '/__sim/aichats/';

export type AichatsFault = 'status-500' | 'status-429' | 'empty' | 'drop-mid-stream' | 'html';

export interface AichatsSimulatorState {
  /** Calls to `POST /chat/send2/`, malformed ones included. */
  calls: number;
  /** Streams written to their end. */
  completed: number;
  /** Streams whose client went away before their end (`drop-mid-stream` is not counted). */
  aborted: number;
  fault: AichatsFault | null;
  pieceDelayMs: number;
  /** The last well-formed call: its history and the browser headers the seed sends. */
  lastRequest?: { messagesHistory: Array<{ from: string; content: string }>; origin?: string; referer?: string; userAgent?: string };
}

export interface AichatsSimulator {
  /** Whether `pathname` is one of its paths (the chat call or a control route). */
  handles(pathname: string): boolean;
  handle(request: IncomingMessage, response: ServerResponse, pathname: string): Promise<void>;
  state(): AichatsSimulatorState;
  /** Every call answers with the fault until it is set to null. */
  setFault(fault: AichatsFault | null): void;
  /** Time between two data lines (0 by default): lets a test abort mid-answer. */
  setOptions(options: { pieceDelayMs?: number }): void;
  /** Counters, fault, options and the last request back to their start. */
  reset(): void;
  /** Ends the streams and waits it holds (the server is closing). */
  close(): void;
}

const turnSchema = z.object({ from: z.enum(['you', 'chatGPT']), content: z.string() });
const chatBodySchema = z.object({ type: z.literal('chat'), messagesHistory: z.array(turnSchema).min(1) });
const faultBodySchema = z.object({ fault: z.enum(['status-500', 'status-429', 'empty', 'drop-mid-stream', 'html']).nullable() });
const optionsBodySchema = z.object({ pieceDelayMs: z.number().int().min(0).max(60_000).optional() });
/** The quote of the last `you` turn is cut here: answers stay short. */
const QUOTE_LENGTH = 200;
/** `drop-mid-stream` destroys the connection after this many lines. */
const LINES_BEFORE_DROP = 2;

/**
 * An imitation of ai-chats.org's `POST /chat/send2/` (simulator/aichats/README.md): a
 * deterministic answer quoting the last `you` turn, streamed as the site does, with the
 * ` trylimit` marker on every second answer; 400 for a malformed body; faults and counters
 * through the controls. Usable inside the main simulator (simulator/route-request.ts) or on
 * its own server (./start-aichats-simulator.ts).
 */
export function createAichatsSimulator(): AichatsSimulator {
  const closing = new AbortController();
  let state: AichatsSimulatorState;
  const reset = () => {
    state = { calls: 0, completed: 0, aborted: 0, fault: null, pieceDelayMs: 0 };
  };
  reset();

  async function answerChat(request: IncomingMessage, response: ServerResponse): Promise<void> {
    state.calls += 1;
    const call = state.calls;
    const body = await readJsonBody(request);
    const parsed = body.ok ? chatBodySchema.safeParse(body.value) : undefined;
    if (!parsed?.success) {
      sendJson(response, 400, { error: 'bad request' });
      return;
    }
    const history = parsed.data.messagesHistory;
    state.lastRequest = {
      messagesHistory: history,
      origin: request.headers.origin,
      referer: request.headers.referer,
      userAgent: request.headers['user-agent'],
    };
    if (state.fault === 'status-500') return sendJson(response, 500, { error: 'Internal Server Error' });
    if (state.fault === 'status-429') {
      response.setHeader('retry-after', '3');
      return sendJson(response, 429, { error: 'Too Many Requests' });
    }
    if (state.fault === 'html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>Just a moment...</title>');
      return;
    }
    const lines = state.fault === 'empty' ? [] : encodeAichatsAnswer(replyTo(history), { tryLimit: call % 2 === 0 });
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    let finished = false;
    response.once('close', () => {
      if (!finished) state.aborted += 1;
    });
    let written: Promise<void> = Promise.resolve();
    for (const [index, line] of lines.entries()) {
      if (state.fault === 'drop-mid-stream' && index === LINES_BEFORE_DROP) {
        finished = true; // the simulator's own doing, not an abort
        await written; // the lines before the cut reach the client first
        response.destroy();
        return;
      }
      if (index > 0 && state.pieceDelayMs > 0 && !(await wait(state.pieceDelayMs, closing.signal))) return;
      if (response.destroyed) return;
      written = new Promise((resolve) => response.write(line, () => resolve()));
    }
    finished = true;
    state.completed += 1;
    response.end();
  }

  async function answerControl(request: IncomingMessage, response: ServerResponse, name: string): Promise<void> {
    if (name === 'state' && request.method === 'GET') return sendJson(response, 200, { ...state });
    if (request.method !== 'POST' || !['fault', 'options', 'reset'].includes(name)) return sendJson(response, 404, { error: `no control route ${aichatsControlPrefix}${name}` });
    const body = await readJsonBody(request);
    if (!body.ok) return sendJson(response, 400, { error: `body is ${body.reason}` });
    if (name === 'reset') {
      reset();
      return sendJson(response, 200, { ok: true });
    }
    const parsed = name === 'fault' ? faultBodySchema.safeParse(body.value) : optionsBodySchema.safeParse(body.value);
    if (!parsed.success) return sendJson(response, 400, { error: z.prettifyError(parsed.error) });
    if ('fault' in parsed.data) state.fault = parsed.data.fault;
    else if (parsed.data.pieceDelayMs !== undefined) state.pieceDelayMs = parsed.data.pieceDelayMs;
    sendJson(response, 200, { ok: true, fault: state.fault, pieceDelayMs: state.pieceDelayMs });
  }

  return {
    handles: (pathname) => pathname === aichatsChatPath || pathname.startsWith(aichatsControlPrefix),
    async handle(request, response, pathname) {
      if (pathname.startsWith(aichatsControlPrefix)) return answerControl(request, response, pathname.slice(aichatsControlPrefix.length));
      if (request.method !== 'POST') {
        response.setHeader('allow', 'POST');
        return sendJson(response, 405, { error: 'Method Not Allowed' });
      }
      return answerChat(request, response);
    },
    state: () => ({ ...state }),
    setFault(fault) {
      state.fault = fault;
    },
    setOptions(options) {
      if (options.pieceDelayMs !== undefined) state.pieceDelayMs = options.pieceDelayMs;
    },
    reset,
    close: () => closing.abort(),
  };
}

/** Deterministic: names the simulator, then quotes the last `you` turn (its newlines kept). */
function replyTo(history: ReadonlyArray<{ from: string; content: string }>): string {
  const said = [...history].reverse().find((turn) => turn.from === 'you')?.content.trim() ?? '';
  const quote = said.length > QUOTE_LENGTH ? `${said.slice(0, QUOTE_LENGTH)}…` : said;
  return `This is the ai-chats.org simulator (gpt-4o).\nYou said: "${quote}"`;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
