import { GatewayError, invalidRequest, isGatewayError } from '@/lib/errors/gateway-error';
import type { ChatRequest, ChatStreamPart } from '@/lib/providers/chat-provider';
import { assertNever, createBlockTracker, textBlock, type BlockTracker } from '@/lib/providers/stream-blocks';
import type { ToolCall, ToolDefinition, ToolRequest } from '@/lib/providers/tool-request';
import { createJsonAnswerCheck, invalidJsonError, type JsonAnswerCheck, type LenientJsonParser } from './structured-output';

/** What the run reads of the detector's outcome (`ToolDetectionOutcome` has more). */
export interface DetectedCalls {
  calls: ToolCall[];
  problems: string[];
}

/** The shape of `detectToolCalls` (./detect-tool-calls.ts) that the run relies on. */
export type ToolCallDetector = (
  parts: ReadableStream<ChatStreamPart>,
  options: { tools: ToolDefinition[]; trigger: string; parallel: boolean; onOutcome?: (outcome: DetectedCalls) => void },
) => ReadableStream<ChatStreamPart>;

/**
 * Opens one upstream chat (the provider's `streamChat`, bound to the call's signal and defer).
 * `attempt` 2 is the re-ask, in a new upstream chat; `cancelled` aborts when the answer is
 * cancelled (the client left, or the pipeline's time limit cut it) before that chat streams,
 * so a re-ask still waiting for its turn gives it up instead of opening a chat nobody reads.
 */
export type StartChat = (request: ChatRequest, attempt: 1 | 2, cancelled?: AbortSignal) => Promise<ReadableStream<ChatStreamPart>>;

export interface RunWithToolsOptions {
  /** The deployment's trigger word (`TOOL_CALL_TRIGGER`). */
  trigger: string;
  detect: ToolCallDetector;
  /** The re-ask's request (./reask-request.ts). */
  reask: (request: ChatRequest, problem: string) => ChatRequest;
  /** The lenient JSON parser (./repair-json.ts) for structured output. */
  parseJson: LenientJsonParser;
}

/**
 * One chat with emulated tools and structured output (docs/tool-calls.md "`tool_choice` and
 * the one re-ask", "Structured output"). With `tool_choice` `auto` and no `response_format`
 * the detector's stream is the answer, streaming as it comes. When a call is required (or a
 * named one), or JSON is, the answer is held (its reasoning and usage still pass as they
 * arrive) until it can be judged: a valid answer is sent, else **one** re-ask goes to
 * `start(…, 2)` with the problem stated, and that answer is final. An upstream `error` in a
 * held answer is passed on, with no re-ask. Cancelling the result cancels the open upstream.
 *
 * Text and reasoning block ids are renumbered over both attempts (`text-0`, `text-1`, …), as
 * the re-ask's upstream numbers its own from 0.
 *
 * @throws GatewayError 400 before any upstream call: a named `tool_choice` not among the tools
 *   (`tool_choice`), a `json_schema` ajv cannot compile; else what the first `start` rejects with.
 */
export async function runWithTools(
  request: ChatRequest,
  start: StartChat,
  options: RunWithToolsOptions,
): Promise<ReadableStream<ChatStreamPart>> {
  const tools = request.tools;
  const choice = tools?.choice;
  if (tools !== undefined && choice?.mode === 'function' && !tools.tools.some((tool) => tool.name === choice.name)) {
    throw invalidRequest(`tool_choice names the function '${choice.name}', which is not among the tools.`, 'tool_choice');
  }
  const check = request.responseFormat === undefined ? undefined : createJsonAnswerCheck(request.responseFormat, options.parseJson);
  const first = await start(request, 1);
  const held = check !== undefined || (choice !== undefined && choice.mode !== 'auto');
  if (!held) return detecting(first, tools, options).parts;
  return heldRun({ request, first, start, options, check });
}

interface Attempt {
  parts: ReadableStream<ChatStreamPart>;
  /** The detector's outcome, once `parts` has ended (no calls without tools). */
  detected(): DetectedCalls;
}

function detecting(source: ReadableStream<ChatStreamPart>, tools: ToolRequest | undefined, options: RunWithToolsOptions): Attempt {
  let outcome: DetectedCalls = { calls: [], problems: [] };
  if (tools === undefined) return { parts: source, detected: () => outcome };
  const parts = options.detect(source, {
    tools: tools.tools,
    trigger: options.trigger,
    parallel: tools.parallel,
    onOutcome: (reported) => {
      outcome = reported;
    },
  });
  return { parts, detected: () => outcome };
}

type ErrorPart = Extract<ChatStreamPart, { type: 'error' }>;

/** What a held answer comes to. */
type Verdict =
  | { kind: 'send-held' }
  | { kind: 'send-json'; json: string }
  /** `about`: what was missing, a call or the JSON (a call problem's answer may still hold JSON). */
  | { kind: 'reask'; about: 'call' | 'json'; problem: string };

function judge(held: ChatStreamPart[], detected: DetectedCalls, tools: ToolRequest | undefined, check: JsonAnswerCheck | undefined): Verdict {
  const choice = tools?.choice;
  if (detected.calls.length > 0) {
    if (choice?.mode === 'function' && !detected.calls.some((call) => call.name === choice.name)) {
      const called = [...new Set(detected.calls.map((call) => call.name))].join(', ');
      return { kind: 'reask', about: 'call', problem: `you called ${called}, but ${choice.name} was required` };
    }
    return { kind: 'send-held' };
  }
  if (choice !== undefined && choice.mode !== 'auto') {
    const missing = choice.mode === 'function' ? `calling ${choice.name}` : 'calling a tool';
    const problem = detected.problems.length > 0 ? detected.problems.join('; ') : `you answered without ${missing}`;
    return { kind: 'reask', about: 'call', problem };
  }
  return judgeJson(held, check);
}

function judgeJson(held: ChatStreamPart[], check: JsonAnswerCheck | undefined): Verdict {
  if (check === undefined) return { kind: 'send-held' };
  const verdict = check(held.map((part) => (part.type === 'text-delta' ? part.text : '')).join(''));
  return verdict.ok ? { kind: 'send-json', json: verdict.json } : { kind: 'reask', about: 'json', problem: verdict.problem };
}

/**
 * The re-ask's answer is the last word: a call problem leaves it as it is (text with its
 * `stop`), unless JSON is asked for and it made no call; a JSON problem is the 502.
 */
function finalVerdict(held: ChatStreamPart[], detected: DetectedCalls, verdict: Verdict, check: JsonAnswerCheck | undefined): Verdict {
  if (verdict.kind !== 'reask') return verdict;
  if (verdict.about === 'call') return detected.calls.length === 0 ? judgeJson(held, check) : { kind: 'send-held' };
  return verdict;
}

/** A failed re-ask start as an error part's error (providers reject with GatewayErrors). */
function reaskStartError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  return new GatewayError('The re-ask of the model could not start.', { status: 502, type: 'upstream_error', cause: error });
}

/**
 * Gives a source's text and reasoning blocks the next free ids of the output, so a second
 * upstream's `text-0` does not repeat the first's. Tool call ids (`call_…`) are unique already.
 */
function renumberBlocks(blocks: BlockTracker): (part: ChatStreamPart) => ChatStreamPart {
  const ids = new Map<string, string>();
  return (part) => {
    switch (part.type) {
      case 'text-start':
      case 'reasoning-start': {
        const id = blocks.freshId(part.type === 'text-start' ? 'text' : 'reasoning');
        ids.set(part.id, id);
        return { ...part, id };
      }
      case 'text-delta':
      case 'text-end':
      case 'reasoning-delta':
      case 'reasoning-end':
        return { ...part, id: ids.get(part.id) ?? part.id };
      case 'tool-call-start':
      case 'tool-call-delta':
      case 'tool-call-end':
      case 'usage':
      case 'finish':
      case 'error':
        return part;
      default:
        return assertNever(part);
    }
  };
}

interface HeldRun {
  request: ChatRequest;
  first: ReadableStream<ChatStreamPart>;
  start: StartChat;
  options: RunWithToolsOptions;
  check: JsonAnswerCheck | undefined;
}

function heldRun({ request, first, start, options, check }: HeldRun): ReadableStream<ChatStreamPart> {
  const blocks = createBlockTracker();
  /** The upstream being read, for a cancel to reach; `cancelled` stops everything after. */
  const source: { reader?: ReadableStreamDefaultReader<ChatStreamPart>; cancelled: boolean } = { cancelled: false };
  /** Aborted when the answer is cancelled: a re-ask not yet streaming gives up its turn. */
  const reaskCancelled = new AbortController();

  /** `parts` to their end; a reader left early (an error part) cancels its source. */
  async function* read(parts: ReadableStream<ChatStreamPart>): AsyncGenerator<ChatStreamPart> {
    const reader = parts.getReader();
    source.reader = reader;
    let ended = false;
    try {
      for (;;) {
        const result = await reader.read();
        if (result.done || source.cancelled) {
          ended = result.done;
          return;
        }
        yield result.value;
      }
    } finally {
      if (!ended && !source.cancelled) void reader.cancel().catch(() => undefined);
    }
  }

  /** Holds the answer's content in `into`, yields its reasoning and usage; returns its error part. */
  async function* hold(
    parts: ReadableStream<ChatStreamPart>,
    into: ChatStreamPart[],
    renumber: (part: ChatStreamPart) => ChatStreamPart,
  ): AsyncGenerator<ChatStreamPart, ErrorPart | undefined> {
    for await (const part of read(parts)) {
      switch (part.type) {
        case 'reasoning-start':
        case 'reasoning-delta':
        case 'reasoning-end':
        case 'usage':
          yield renumber(part);
          break;
        case 'error':
          return part;
        case 'text-start':
        case 'text-delta':
        case 'text-end':
        case 'tool-call-start':
        case 'tool-call-delta':
        case 'tool-call-end':
        case 'finish':
          into.push(part);
          break;
        default:
          assertNever(part);
      }
    }
    return undefined;
  }

  function* send(verdict: Verdict, held: ChatStreamPart[], renumber: (part: ChatStreamPart) => ChatStreamPart): Generator<ChatStreamPart> {
    switch (verdict.kind) {
      case 'send-held':
        for (const part of held) yield renumber(part);
        return;
      case 'send-json':
        yield* textBlock(blocks.freshId('text'), verdict.json);
        yield { type: 'finish', finishReason: 'stop' };
        return;
      case 'reask':
        yield { type: 'error', error: invalidJsonError(verdict.problem) };
        return;
      default:
        assertNever(verdict);
    }
  }

  async function* answer(): AsyncGenerator<ChatStreamPart> {
    const firstAttempt = detecting(first, request.tools, options);
    const firstHeld: ChatStreamPart[] = [];
    const firstRenumber = renumberBlocks(blocks);
    const firstError = yield* hold(firstAttempt.parts, firstHeld, firstRenumber);
    if (source.cancelled) return;
    if (firstError !== undefined) {
      yield firstError;
      return;
    }
    const verdict = judge(firstHeld, firstAttempt.detected(), request.tools, check);
    if (verdict.kind !== 'reask') {
      yield* send(verdict, firstHeld, firstRenumber);
      return;
    }

    let second: ReadableStream<ChatStreamPart>;
    try {
      second = await start(options.reask(request, verdict.problem), 2, reaskCancelled.signal);
    } catch (error) {
      if (!source.cancelled) yield { type: 'error', error: reaskStartError(error) };
      return;
    }
    if (source.cancelled) {
      await second.cancel().catch(() => undefined);
      return;
    }
    const secondAttempt = detecting(second, request.tools, options);
    const secondRenumber = renumberBlocks(blocks);
    if (check === undefined) {
      // Only a call was wanted, and nothing follows this answer: it streams as it is.
      for await (const part of read(secondAttempt.parts)) yield secondRenumber(part);
      return;
    }
    const secondHeld: ChatStreamPart[] = [];
    const secondError = yield* hold(secondAttempt.parts, secondHeld, secondRenumber);
    if (source.cancelled) return;
    if (secondError !== undefined) {
      yield secondError;
      return;
    }
    const detected = secondAttempt.detected();
    yield* send(finalVerdict(secondHeld, detected, judge(secondHeld, detected, request.tools, check), check), secondHeld, secondRenumber);
  }

  const parts = answer();
  return new ReadableStream<ChatStreamPart>({
    async pull(controller) {
      const next = await parts.next();
      if (source.cancelled) return;
      if (next.done === true) {
        controller.close();
        return;
      }
      blocks.observe(next.value);
      controller.enqueue(next.value);
    },
    async cancel(reason) {
      source.cancelled = true;
      reaskCancelled.abort(reason);
      await source.reader?.cancel(reason);
    },
  });
}
