import type { ServerResponse } from 'node:http';
import type { PacedCall } from '@/simulator/call-pacer';
import type { Endpoint } from '@/simulator/faults';
import type { SimulatorContext } from '@/simulator/simulator-context';

/** XIPU answers JSON with an explicit charset (a Java backend). */
const JSON_CONTENT_TYPE = 'application/json;charset=UTF-8';
const TEXT_CONTENT_TYPE = 'text/plain;charset=UTF-8';
const EVENT_STREAM_CONTENT_TYPE = 'text/event-stream;charset=UTF-8';

/** One API call's way to answer: every answer is counted and timed for the frequency limit. */
export interface CallExchange {
  readonly endpoint: Endpoint;
  readonly response: ServerResponse;
  /** Aborts when the client goes away before the answer has been fully sent. */
  readonly clientGone: AbortSignal;
  /** Whether the response headers have gone out. */
  readonly answered: boolean;
  sendJson(status: number, body: unknown): void;
  /** Sends `body` as is: JSON content type when it parses as JSON, else plain text. */
  sendRaw(status: number, body: string): void;
  sendText(status: number, text: string): void;
  /** Sends HTTP 200 event-stream headers; the caller writes the body. */
  openEventStream(): void;
}

/**
 * Wraps a response so each answer updates the status counters and tells the frequency limit
 * when the call was answered (its headers went out). A call whose client leaves before any
 * answer counts as answered then, so the account is not left busy.
 *
 * @param pacedCall null for calls with no known account (they are not paced).
 */
export function createCallExchange(
  context: SimulatorContext,
  response: ServerResponse,
  endpoint: Endpoint,
  pacedCall: PacedCall | null,
): CallExchange {
  const clientGoneController = new AbortController();
  let answered = false;

  const markAnswered = (status: number) => {
    answered = true;
    const key = String(status);
    context.counters.statusCounts[key] = (context.counters.statusCounts[key] ?? 0) + 1;
    if (status === 429) context.counters.rateLimited += 1;
    if (pacedCall !== null) context.pacer.answer(pacedCall, context.now());
  };

  response.on('close', () => {
    if (!response.writableFinished) clientGoneController.abort();
    if (pacedCall !== null) context.pacer.answer(pacedCall, context.now());
  });

  const send = (status: number, contentType: string, body: string) => {
    if (answered || response.destroyed) return;
    markAnswered(status);
    response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    response.end(body);
  };

  return {
    endpoint,
    response,
    clientGone: clientGoneController.signal,
    get answered() {
      return answered;
    },
    sendJson(status, body) {
      send(status, JSON_CONTENT_TYPE, JSON.stringify(body));
    },
    sendRaw(status, body) {
      send(status, isJson(body) ? JSON_CONTENT_TYPE : TEXT_CONTENT_TYPE, body);
    },
    sendText(status, text) {
      send(status, TEXT_CONTENT_TYPE, text);
    },
    openEventStream() {
      if (answered || response.destroyed) return;
      markAnswered(200);
      response.writeHead(200, { 'content-type': EVENT_STREAM_CONTENT_TYPE, 'cache-control': 'no-cache' });
      response.flushHeaders();
    },
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
