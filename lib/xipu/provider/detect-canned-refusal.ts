import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { assertNever } from '@/lib/providers/stream-blocks';

/**
 * The whole answers XIPU gives instead of an answer when a prompt holds "poisonous" text (a
 * local `file:///` path, broken markup): the service could not read the prompt —
 * docs/xipu-protocol §7 and "Common errors". The first was also seen with a curly apostrophe
 * ("I’ll", seed 000), so quotes are normalised before comparing.
 */
export const CANNED_REFUSALS: readonly string[] = [
  "Unfortunately, I don't have any relevant information regarding this matter. However. Please feel free to ask me other questions, and I'll do my best to help.",
  'Request Err!',
];

export const DEFAULT_CANNED_REFUSAL_NOTICE =
  '[XIPU refused this prompt: the service could not read part of it, for example a local file:/// path or broken markup. Remove or rephrase that part and try again.]';

/**
 * How many whitespace or punctuation characters may follow (or replace) the end of a canned
 * text and still count as that text ("…to help" or "…to help!\n" for "…to help.").
 */
const MAX_TRAILING_DIFFERENCE_LENGTH = 8;

const TRAILING_PUNCTUATION_OR_WHITESPACE = /[\s\p{P}]+$/u;
const ONLY_PUNCTUATION_OR_WHITESPACE = /^[\s\p{P}]*$/u;

/** Each canned text without its closing punctuation, quotes normalised: what must match. */
const CANNED_REFUSAL_CORES = CANNED_REFUSALS.map((text) =>
  normaliseQuotes(text).replace(TRAILING_PUNCTUATION_OR_WHITESPACE, ''),
);

type RefusalState = 'holding' | 'passing' | 'refused';

/**
 * Replaces XIPU's canned refusals with a notice the client can recognise, ending the stream
 * with `finishReason: 'content_filter'` — an upstream refusal must not look like an ordinary
 * answer (docs/xipu-protocol §7, "Common errors").
 *
 * - While the answer text so far (leading whitespace ignored, quotes normalised) can still be
 *   a canned text, it is held back. The moment it cannot, everything held is released intact
 *   and the rest passes through untouched: an answer that merely starts like a canned text
 *   arrives exactly as sent, only a little later.
 * - When the stream ends, or a `finish` arrives, while the held text is a whole canned text
 *   (trailing whitespace or punctuation may differ), the held text is replaced by a
 *   `text-delta` with `options.notice` and `{ type: 'finish', finishReason: 'content_filter' }`;
 *   the original `finish` and anything after it are dropped. If the held text is only the
 *   start of a canned text, it is released as ordinary text.
 * - The check covers the answer's first text block: its `text-start` and `text-end` are held with
 *   its text (a notice keeps the block's id). A second text block, a tool call or an `error`
 *   releases what is held first and ends the check; reasoning and `usage` parts pass through
 *   without ending it.
 */
export function detectCannedRefusal(
  options: { notice?: string } = {},
): TransformStream<ChatStreamPart, ChatStreamPart> {
  const notice = options.notice ?? DEFAULT_CANNED_REFUSAL_NOTICE;
  let state: RefusalState = 'holding';
  let heldText = '';
  let heldStart: { id: string } | undefined;
  let heldEnd = false;

  type Controller = TransformStreamDefaultController<ChatStreamPart>;

  function releaseHeldText(controller: Controller): void {
    state = 'passing';
    const id = heldStart?.id ?? 'text-0';
    if (heldStart !== undefined) controller.enqueue({ type: 'text-start', id });
    if (heldText.length > 0) controller.enqueue({ type: 'text-delta', id, text: heldText });
    if (heldEnd) controller.enqueue({ type: 'text-end', id });
    heldText = '';
    heldStart = undefined;
    heldEnd = false;
  }

  /** Ends the check at the end of the answer: a whole canned text becomes the notice. */
  function settle(controller: Controller): boolean {
    if (!isWholeCannedRefusal(heldText)) {
      releaseHeldText(controller);
      return false;
    }
    state = 'refused';
    const id = heldStart?.id ?? 'text-0';
    heldText = '';
    controller.enqueue({ type: 'text-start', id });
    controller.enqueue({ type: 'text-delta', id, text: notice });
    controller.enqueue({ type: 'text-end', id });
    controller.enqueue({ type: 'finish', finishReason: 'content_filter' });
    return true;
  }

  return new TransformStream<ChatStreamPart, ChatStreamPart>({
    transform(part, controller) {
      if (state === 'refused') return;
      if (state === 'passing') {
        controller.enqueue(part);
        return;
      }
      switch (part.type) {
        case 'text-start':
          if (heldStart !== undefined) {
            releaseHeldText(controller);
            controller.enqueue(part);
          } else {
            heldStart = { id: part.id };
          }
          return;
        case 'text-delta':
          heldText += part.text;
          if (!couldBeCannedRefusal(heldText)) releaseHeldText(controller);
          return;
        case 'text-end':
          heldEnd = true;
          return;
        case 'finish':
          if (!settle(controller)) controller.enqueue(part);
          return;
        case 'error':
        case 'tool-call-start':
        case 'tool-call-delta':
        case 'tool-call-end':
          releaseHeldText(controller);
          controller.enqueue(part);
          return;
        case 'reasoning-start':
        case 'reasoning-delta':
        case 'reasoning-end':
        case 'usage':
          controller.enqueue(part);
          return;
        default:
          assertNever(part);
      }
    },
    flush(controller) {
      if (state === 'holding') settle(controller);
    },
  });
}

/** Whether `text` is the start of a canned text, or a whole one with a short trailing tail. */
function couldBeCannedRefusal(text: string): boolean {
  const candidate = normaliseQuotes(text.trimStart());
  return CANNED_REFUSAL_CORES.some(
    (core) => core.startsWith(candidate) || hasCoreWithTrailingDifference(candidate, core),
  );
}

/** Whether `text` is a whole canned text, allowing trailing whitespace/punctuation changes. */
function isWholeCannedRefusal(text: string): boolean {
  const candidate = normaliseQuotes(text.trimStart());
  return CANNED_REFUSAL_CORES.some((core) => hasCoreWithTrailingDifference(candidate, core));
}

function hasCoreWithTrailingDifference(candidate: string, core: string): boolean {
  if (!candidate.startsWith(core)) return false;
  const tail = candidate.slice(core.length);
  return tail.length <= MAX_TRAILING_DIFFERENCE_LENGTH && ONLY_PUNCTUATION_OR_WHITESPACE.test(tail);
}

/** Maps typographic quotes to ASCII ones, one character for one. */
function normaliseQuotes(text: string): string {
  return text
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"');
}
