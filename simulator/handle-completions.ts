import { z } from 'zod';
import type { CallExchange } from '@/simulator/call-exchange';
import { classifyPrompt, type PromptClass } from '@/simulator/classify-prompt';
import type { QueuedFault } from '@/simulator/faults';
import { generateReply } from '@/simulator/generate-reply';
import type { SimulatorContext } from '@/simulator/simulator-context';
import { RECENT_PROMPTS_KEPT, RECENT_STREAMS_KEPT, type StreamTimeline } from '@/simulator/simulator-counters';
import { splitIntoPieces } from '@/simulator/split-into-pieces';
import { streamReply, type StreamOutcome } from '@/simulator/stream-reply';
import { upstreamMessages } from '@/simulator/upstream-messages';
import { wait } from '@/simulator/wait';

/** The completions body — docs/xipu-protocol "Endpoints". */
const completionsBodySchema = z.object({
  text: z.string(),
  files: z.array(z.unknown()).optional(),
  sessionId: z.number().int(),
});

/** The faults that shape a completions answer once its session is known. */
const STREAM_FAULT_KINDS = [
  'stall-before-headers',
  'stall-mid-stream',
  'drop-mid-stream',
  'empty-stream',
  'canned-refusal',
  'request-err',
] as const;
type StreamFault = Extract<QueuedFault, { kind: (typeof STREAM_FAULT_KINDS)[number] }>;

/** Content faults act as the filter would on a prompt of that class. */
const FAULT_PROMPT_CLASS: Partial<Record<StreamFault['kind'], PromptClass>> = {
  'empty-stream': 'banned',
  'canned-refusal': 'poisonous',
  'request-err': 'request-error',
};

/**
 * `completions`: answers the prompt in the session's context. An unknown session is HTTP 200
 * JSON `code: 1`; `Request Err!` prompts get a plain-text body; everything else is an event
 * stream — empty for banned words, the canned refusal one character per piece for poisonous
 * prompts, else the generated reply (a matching scripted reply first) in 1–4 code-point
 * pieces. The prompt is kept among the recent ones (`recentPrompts`), the stream's timing
 * among the recent streams (`recentStreams`: when each piece was written). The turn joins the
 * session's history, so later replies in the same session see it. Open streams are tracked
 * (the strict profile counts them as busy) and their outcome counted.
 */
export async function handleCompletions(
  context: SimulatorContext,
  exchange: CallExchange,
  account: string,
  body: unknown,
): Promise<void> {
  const parsed = completionsBodySchema.safeParse(body);
  if (!parsed.success) {
    exchange.sendJson(200, { code: 1, msg: upstreamMessages.invalidBody });
    return;
  }
  const { text, sessionId } = parsed.data;
  const session = context.sessions.find(account, sessionId);
  if (session === undefined) {
    exchange.sendJson(200, { code: 1, msg: upstreamMessages.sessionNotFound });
    return;
  }
  const { recentPrompts } = context.counters;
  recentPrompts.push(text);
  if (recentPrompts.length > RECENT_PROMPTS_KEPT) recentPrompts.splice(0, recentPrompts.length - RECENT_PROMPTS_KEPT);

  const fault = context.faults.take('completions', STREAM_FAULT_KINDS);
  const closing = context.closing.signal;
  if (fault?.kind === 'stall-before-headers') {
    const waited = await wait(fault.ms, AbortSignal.any([exchange.clientGone, closing]));
    if (!waited) {
      exchange.response.destroy();
      return;
    }
  }

  const promptClass = (fault !== undefined ? FAULT_PROMPT_CLASS[fault.kind] : undefined) ?? classifyPrompt(text, context.settings.bannedWords);
  if (promptClass === 'request-error') {
    exchange.sendText(200, upstreamMessages.requestError);
    return;
  }

  // Only a prompt the model gets to answer uses up a scripted reply.
  const scriptedReply = promptClass === 'ordinary' ? context.scripts.take(text) : null;
  const reply = generateReply({ text, model: session.model, earlierTurns: session.turns.length, scriptedReply });
  const pieces =
    promptClass === 'banned' ? [] : promptClass === 'poisonous' ? Array.from(upstreamMessages.cannedRefusal) : splitIntoPieces(reply.text, session.id);
  session.turns.push({ text, reply: pieces.join('') });

  const strict = context.settings.profile === 'strict';
  exchange.openEventStream();
  const liveStream = { account, sessionId: session.id, response: exchange.response };
  context.liveStreams.add(liveStream);
  context.pacer.streamOpened(account);
  context.counters.maxConcurrentStreams = Math.max(context.counters.maxConcurrentStreams, context.liveStreams.size);
  const timeline: StreamTimeline = { sessionId: session.id, account, sentAt: [], sentChars: [] };
  const { recentStreams } = context.counters;
  recentStreams.push(timeline);
  if (recentStreams.length > RECENT_STREAMS_KEPT) recentStreams.splice(0, recentStreams.length - RECENT_STREAMS_KEPT);
  let sentChars = 0;
  let outcome: StreamOutcome;
  try {
    outcome = await streamReply(
      exchange.response,
      {
        sessionId: session.id,
        pieces,
        pieceDelayMs: reply.pieceDelayMs ?? context.settings.chunkDelayMs,
        lineEnding: strict ? '\r\n' : '\n',
        // About half the replies end with [DONE], the same ones every run.
        includeDone: session.id % 2 === 0,
        splitWrites: strict,
        stall: fault?.kind === 'stall-mid-stream' ? { afterPieces: fault.afterPieces, ms: fault.ms } : undefined,
        dropAfterPieces: fault?.kind === 'drop-mid-stream' ? fault.afterPieces : undefined,
        onPieceWritten: (piece) => {
          sentChars += piece.length;
          timeline.sentAt.push(performance.timeOrigin + performance.now());
          timeline.sentChars.push(sentChars);
        },
      },
      { clientGone: exchange.clientGone, closing },
    );
  } finally {
    context.liveStreams.delete(liveStream);
    context.pacer.streamClosed(account);
  }
  if (outcome === 'completed') context.counters.completedStreams += 1;
  if (outcome === 'aborted') context.counters.abortedStreams += 1;
  if (outcome === 'dropped') context.counters.droppedStreams += 1;
  if (outcome === 'closed') exchange.response.destroy();
}
