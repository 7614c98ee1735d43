import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { assertNever, createBlockTracker } from '@/lib/providers/stream-blocks';
import type { ToolCall, ToolDefinition } from '@/lib/providers/tool-request';
import { findBlockEnd } from './find-block-end';
import { matchOpeningTag } from './match-opening-tag';
import { parseToolCallBlock, type ParsedToolCalls } from './parse-tool-calls';
import { createCodeTracker, type CodeTracker } from './track-markdown-code';

/** What the detector found in one answer, reported once when its stream ends. */
export interface ToolDetectionOutcome {
  /** The calls emitted (empty: the answer was text). */
  calls: ToolCall[];
  /** Why written calls were not calls, one line each (for the one re-ask). */
  problems: string[];
  /** Whether text other than whitespace reached the output. */
  textEmitted: boolean;
  /** Whether a block was found: in the answer text, or (the text being empty) in the reasoning. */
  blockSeen: boolean;
}

export interface DetectToolCallsOptions {
  tools: ToolDefinition[];
  trigger: string;
  parallel: boolean;
  /** A block without its end after this many characters is text (default 512 KiB). */
  maxBlockChars?: number;
  onOutcome?: (outcome: ToolDetectionOutcome) => void;
  /** Tool call ids (default `call_` and 24 random characters). */
  newId?: () => string;
}

const DEFAULT_MAX_BLOCK_CHARS = 512 * 1024;

/**
 * Watches an answer for the tool-call block while it streams: docs/tool-calls.md "Detection
 * while streaming".
 *
 * - Text passes through at once, except a suffix that could be the start of the opening tag
 *   (./match-opening-tag.ts: never longer than the tag); a tag inside fenced or inline code
 *   does not count (./track-markdown-code.ts).
 * - From the opening tag, only the block is buffered, up to `maxBlockChars`; past that it is
 *   passed on as text and detection stops.
 * - At the block's end (./find-block-end.ts) its calls are emitted: the open blocks ended, per
 *   call `tool-call-start`, one `tool-call-delta` with the whole arguments, `tool-call-end`,
 *   then `finish` with `tool_calls`, and the source is cancelled, so what the model writes after
 *   its calls (invented results) is never read. A block without valid calls is text, and
 *   detection goes on after it. An answer that ends inside a block is read as if it closed.
 * - Reasoning passes through and is not searched, but when the answer's text is empty or
 *   whitespace and the reasoning holds exactly one complete block with valid calls, those calls
 *   are used.
 * - `usage` and `error` pass through; the source's `finish` too when no call was made.
 *
 * A pull stream over the source's reader rather than a TransformStream, so that it can stop
 * reading at the block's end and cancel the source; cancelling the output cancels the source.
 */
export function detectToolCalls(parts: ReadableStream<ChatStreamPart>, options: DetectToolCallsOptions): ReadableStream<ChatStreamPart> {
  const maxBlockChars = options.maxBlockChars ?? DEFAULT_MAX_BLOCK_CHARS;
  const parse = (block: string): ParsedToolCalls =>
    parseToolCallBlock(block, options.tools, { parallel: options.parallel, ...(options.newId === undefined ? {} : { newId: options.newId }) });
  const reader = parts.getReader();
  const blocks = createBlockTracker();
  const code = createCodeTracker();
  let output: ReadableStreamDefaultController<ChatStreamPart>;

  let mode: 'text' | 'block' | 'passthrough' = 'text';
  /** Text mode: a possible start of the opening tag, not yet read by `code`. */
  let held = '';
  /** Block mode: the block so far, from its opening tag, as it arrived (joined only when needed). */
  let blockChunks: string[] = [];
  /** Block mode: the block's text from `tailStart` on, which the search for its end has not ruled out. */
  let tail = '';
  let tailStart = 0;
  /** The source's open text block, whose id the output's text takes. */
  let sourceTextId: string | undefined;
  let reasoning = '';
  let reported = false;
  /** An `error` passed: the stream is over, and nothing is added after it. */
  let failed = false;
  const outcome: ToolDetectionOutcome = { calls: [], problems: [], textEmitted: false, blockSeen: false };

  let enqueued = 0;
  function enqueue(part: ChatStreamPart): void {
    blocks.observe(part);
    output.enqueue(part);
    enqueued += 1;
  }

  function emitText(text: string): void {
    if (text === '') return;
    let id = blocks.openText();
    if (id === undefined) {
      id = sourceTextId ?? blocks.freshId('text');
      enqueue({ type: 'text-start', id });
    }
    enqueue({ type: 'text-delta', id, text });
    if (!outcome.textEmitted && text.trim() !== '') outcome.textEmitted = true;
  }

  /** Text that is shown as it is: read by the code tracker, so code state stays right after it. */
  function emitReadText(text: string): void {
    for (const character of text) code.advance(character);
    emitText(text);
  }

  /** Reads answer text in text mode. Returns true when calls were emitted. */
  function readText(text: string): boolean {
    const source = held + text;
    held = '';
    for (let index = 0; index < source.length; index += 1) {
      const character = source.charAt(index);
      if (character === '<' && !code.inCodeBefore()) {
        const match = matchOpeningTag(source, index, options.trigger);
        if (match.kind !== 'none') {
          emitText(source.slice(0, index));
          if (match.kind === 'prefix') {
            held = source.slice(index);
            return false;
          }
          mode = 'block';
          outcome.blockSeen = true;
          return readBlock(source.slice(index));
        }
      }
      code.advance(character);
    }
    emitText(source);
    return false;
  }

  /** Reads answer text in block mode. Returns true when calls were emitted. */
  function readBlock(text: string): boolean {
    blockChunks.push(text);
    tail += text;
    const end = findBlockEnd(tail, {
      tailStart,
      parallel: options.parallel,
      maxBlockChars,
      parse: (upTo) => parse(blockText().slice(0, upTo)),
    });
    switch (end.kind) {
      case 'open':
        tail = tail.slice(end.keepFrom - tailStart);
        tailStart = end.keepFrom;
        return false;
      case 'too-large':
        mode = 'passthrough';
        emitText(takeBlock());
        return false;
      case 'closed': {
        const whole = takeBlock();
        if (closeBlock(whole.slice(0, end.end), end.parsed)) return true;
        return readText(whole.slice(end.end));
      }
      default:
        return assertNever(end);
    }
  }

  /** The buffered block as one text. */
  function blockText(): string {
    if (blockChunks.length > 1) blockChunks = [blockChunks.join('')];
    return blockChunks[0] ?? '';
  }

  /** The buffered block, which is forgotten. */
  function takeBlock(): string {
    const text = blockText();
    blockChunks = [];
    tail = '';
    tailStart = 0;
    return text;
  }

  /** A block has ended: its calls, or (none valid) the block as text. Returns true for calls. */
  function closeBlock(text: string, parsed: ParsedToolCalls): boolean {
    outcome.problems.push(...parsed.problems);
    mode = 'text';
    if (parsed.calls.length > 0) {
      emitCalls(parsed.calls);
      return true;
    }
    emitReadText(text);
    return false;
  }

  function emitCalls(calls: ToolCall[]): void {
    for (const end of blocks.endAll()) enqueue(end);
    for (const call of calls) {
      enqueue({ type: 'tool-call-start', id: call.id, name: call.name });
      enqueue({ type: 'tool-call-delta', id: call.id, argumentsDelta: call.arguments });
      enqueue({ type: 'tool-call-end', id: call.id });
    }
    enqueue({ type: 'finish', finishReason: 'tool_calls' });
    outcome.calls = calls;
  }

  /** The answer's text has ended (its block, its stream): nothing more can complete a tag or a block. */
  function endOfText(): boolean {
    if (mode === 'block') {
      const text = takeBlock();
      return closeBlock(text, parse(text));
    }
    const text = held;
    held = '';
    emitReadText(text);
    return false;
  }

  /** The reasoning fallback, at the answer's end: true when it emitted calls. */
  function useReasoningCalls(): boolean {
    if (outcome.textEmitted || outcome.blockSeen || reasoning === '') return false;
    const found = completeBlocksIn(reasoning, options.trigger, { parallel: options.parallel, maxBlockChars, parse });
    if (found.length === 0) return false;
    outcome.blockSeen = true;
    const valid = found.filter((parsed) => parsed.calls.length > 0);
    if (valid.length === 1 && valid[0] !== undefined) {
      emitCalls(valid[0].calls);
      return true;
    }
    for (const parsed of found) outcome.problems.push(...parsed.problems);
    return false;
  }

  function report(): void {
    if (reported) return;
    reported = true;
    options.onOutcome?.({ ...outcome, calls: [...outcome.calls], problems: [...outcome.problems] });
  }

  /** Handles one source part. Returns true when calls were emitted (the output is complete). */
  function handle(part: ChatStreamPart): boolean {
    switch (part.type) {
      case 'text-start':
        sourceTextId = part.id;
        return false;
      case 'text-delta':
        if (mode === 'passthrough') {
          emitText(part.text);
          return false;
        }
        return mode === 'block' ? readBlock(part.text) : readText(part.text);
      case 'text-end': {
        if (mode !== 'passthrough' && endOfText()) return true;
        const open = blocks.openText();
        if (open !== undefined) enqueue({ type: 'text-end', id: open });
        sourceTextId = undefined;
        return false;
      }
      case 'reasoning-delta':
        reasoning += part.text;
        enqueue(part);
        return false;
      case 'reasoning-start':
      case 'reasoning-end':
      case 'tool-call-start':
      case 'tool-call-delta':
      case 'tool-call-end':
      case 'usage':
        enqueue(part);
        return false;
      case 'finish':
        if (finishText()) return true;
        enqueue(part);
        return false;
      case 'error':
        emitText(mode === 'block' ? takeBlock() : held);
        held = '';
        mode = 'passthrough';
        failed = true;
        enqueue(part);
        return false;
      default:
        return assertNever(part);
    }
  }

  /** Before the source's `finish` or its end: the last text, the fallback, the open blocks ended. */
  function finishText(): boolean {
    if (mode !== 'passthrough' && endOfText()) return true;
    if (useReasoningCalls()) return true;
    for (const end of blocks.endAll()) enqueue(end);
    return false;
  }

  let done = false;
  return new ReadableStream<ChatStreamPart>(
    {
      start(controller) {
        output = controller;
      },
      async pull(controller) {
        try {
          for (;;) {
            if (done) return;
            const before = enqueued;
            const result = await reader.read();
            if (done) return;
            if (result.done) {
              if (!failed) finishText();
              done = true;
              report();
              controller.close();
              return;
            }
            if (handle(result.value)) {
              done = true;
              report();
              const cancelling = reader.cancel();
              controller.close();
              await cancelling.catch(() => {});
              return;
            }
            if (enqueued > before) return;
          }
        } catch (error) {
          if (done) return;
          done = true;
          report();
          controller.error(error);
        }
      },
      async cancel(reason) {
        if (done) return;
        done = true;
        report();
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * The complete blocks in a finished text (the reasoning), outside code: each parsed. A block
 * left open at the end is not complete and is not counted.
 */
function completeBlocksIn(
  text: string,
  trigger: string,
  options: { parallel: boolean; maxBlockChars: number; parse: (block: string) => ParsedToolCalls },
): ParsedToolCalls[] {
  const found: ParsedToolCalls[] = [];
  const code: CodeTracker = createCodeTracker();
  let index = 0;
  while (index < text.length) {
    const character = text.charAt(index);
    if (character === '<' && !code.inCodeBefore()) {
      const match = matchOpeningTag(text, index, trigger);
      if (match.kind === 'tag') {
        const rest = text.slice(index);
        const end = findBlockEnd(rest, { ...options, tailStart: 0, parse: (upTo) => options.parse(rest.slice(0, upTo)) });
        if (end.kind !== 'closed') return found;
        found.push(end.parsed);
        for (const blockCharacter of rest.slice(0, end.end)) code.advance(blockCharacter);
        index += end.end;
        continue;
      }
    }
    code.advance(character);
    index += 1;
  }
  return found;
}
