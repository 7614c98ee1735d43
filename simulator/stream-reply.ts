import type { ServerResponse } from 'node:http';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { wait } from '@/simulator/wait';

/** How one completions body is written. */
export interface StreamScript {
  sessionId: number;
  /** Answer pieces, each sent as `data:{"data":"<piece>"}`. */
  pieces: readonly string[];
  /** Pause before every piece after the first. */
  pieceDelayMs: number;
  lineEnding: '\n' | '\r\n';
  /** Whether a `data:[DONE]` line ends the body. */
  includeDone: boolean;
  /** Writes each line in two parts cut mid-way, often inside a UTF-8 sequence. */
  splitWrites: boolean;
  /** Pause once, after this many pieces. */
  stall?: { afterPieces: number; ms: number };
  /** Destroy the socket after this many pieces. */
  dropAfterPieces?: number;
  /** Told after each piece's line was handed to the socket. */
  onPieceWritten?: (piece: string) => void;
}

/** How the body ended: fully, the client left, a fault cut it, or the simulator closed. */
export type StreamOutcome = 'completed' | 'aborted' | 'dropped' | 'closed';

/** After which piece the non-`data:` noise line goes (or after the meta event when fewer pieces). */
const NOISE_AFTER_PIECES = 2;
/** A blank line follows piece i when (i + sessionId) % BLANK_LINE_PERIOD === BLANK_LINE_PHASE. */
const BLANK_LINE_PERIOD = 6;
const BLANK_LINE_PHASE = 4;

/** A drop waits at most this long for earlier pieces to leave (a client not reading stalls them). */
const FLUSH_WAIT_LIMIT_MS = 1_000;

/**
 * Writes a completions body in XIPU's framing — docs/xipu-protocol "Endpoints": lines of
 * `data:<json>` (no space after the colon, one line per piece, no blank line between events),
 * a metadata event first, occasional blank lines, one non-data line (`: ping` or `id:1`), and
 * `data:[DONE]` only when the script says so. The response headers must already be sent.
 *
 * Stops at once when the client leaves or the simulator closes; never rejects. Ends the
 * response unless it stopped or dropped.
 */
export async function streamReply(
  response: ServerResponse,
  script: StreamScript,
  signals: { clientGone: AbortSignal; closing: AbortSignal },
): Promise<StreamOutcome> {
  const stopped = AbortSignal.any([signals.clientGone, signals.closing]);
  const stoppedOutcome = (): StreamOutcome => (signals.closing.aborted ? 'closed' : 'aborted');
  const noiseLine = script.sessionId % 2 === 0 ? ': ping' : 'id:1';
  const noiseAfter = Math.min(NOISE_AFTER_PIECES, script.pieces.length);

  /** Settles once the latest write has been handed to the socket. */
  let lastWriteFlushed: Promise<void> = Promise.resolve();
  const writeLine = async (line: string): Promise<boolean> => {
    if (stopped.aborted) return false;
    const bytes = Buffer.from(line + script.lineEnding);
    const cut = script.splitWrites ? cutPoint(bytes) : 0;
    const parts = cut > 0 ? [bytes.subarray(0, cut), bytes.subarray(cut)] : [bytes];
    for (const part of parts) {
      lastWriteFlushed = new Promise((resolve) => response.write(part, () => resolve()));
      if (response.writableNeedDrain && !(await waitForDrain(response, stopped))) return false;
    }
    return !stopped.aborted;
  };

  if (!(await writeLine(`data:${JSON.stringify({ data: { type: 'meta', sessionId: script.sessionId } })}`))) {
    return stoppedOutcome();
  }
  if (noiseAfter === 0 && !(await writeLine(noiseLine))) return stoppedOutcome();

  for (let index = 0; index <= script.pieces.length; index += 1) {
    if (script.stall !== undefined && index === Math.min(script.stall.afterPieces, script.pieces.length)) {
      if (!(await wait(script.stall.ms, stopped))) return stoppedOutcome();
    }
    if (script.dropAfterPieces !== undefined && index === Math.min(script.dropAfterPieces, script.pieces.length)) {
      // Let the pieces already written reach the client, then cut the connection.
      await Promise.race([lastWriteFlushed, wait(FLUSH_WAIT_LIMIT_MS, stopped)]);
      response.destroy();
      return 'dropped';
    }
    const piece = script.pieces[index];
    if (piece === undefined) break;
    if (index > 0 && !(await pauseBetweenPieces(script.pieceDelayMs, stopped))) return stoppedOutcome();
    if (!(await writeLine(`data:${JSON.stringify({ data: piece })}`))) return stoppedOutcome();
    script.onPieceWritten?.(piece);
    if (index + 1 === noiseAfter && !(await writeLine(noiseLine))) return stoppedOutcome();
    if ((index + script.sessionId) % BLANK_LINE_PERIOD === BLANK_LINE_PHASE && !(await writeLine(''))) {
      return stoppedOutcome();
    }
  }

  if (script.includeDone && !(await writeLine('data:[DONE]'))) return stoppedOutcome();
  response.end();
  return 'completed';
}

/**
 * Where to cut a line written in two parts: just inside its first multi-byte UTF-8 sequence
 * (as a network split would land), else half-way.
 */
function cutPoint(bytes: Buffer): number {
  const firstMultiByte = bytes.findIndex((byte) => byte >= 0xc0);
  return firstMultiByte >= 0 ? firstMultiByte + 1 : Math.floor(bytes.length / 2);
}

/**
 * Waits between two pieces. With no delay it still yields to the event loop, so a client's
 * disconnect is noticed during a long stream. @returns false when `signal` aborted.
 */
async function pauseBetweenPieces(delayMs: number, signal: AbortSignal): Promise<boolean> {
  if (delayMs > 0) return wait(delayMs, signal);
  await yieldToEventLoop();
  return !signal.aborted;
}

/** Resolves true on `drain`, false when `signal` aborts first. */
function waitForDrain(response: ServerResponse, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onDrain = () => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    };
    const onAbort = () => {
      response.off('drain', onDrain);
      resolve(false);
    };
    response.once('drain', onDrain);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
