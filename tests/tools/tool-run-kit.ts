import type { ChatRequest, ChatStreamPart } from '@/lib/providers/chat-provider';
import type { ToolCall, ToolChoice, ToolDefinition } from '@/lib/providers/tool-request';
import { reaskRequest } from '@/lib/tools/reask-request';
import type { RunWithToolsOptions, StartChat, ToolCallDetector } from '@/lib/tools/run-with-tools';
import type { LenientJsonParser } from '@/lib/tools/structured-output';
import { chatRequest } from '@/tests/support/scripted-chat';
import { blockOf, streamOf } from '@/tests/support/stream-helpers';

/**
 * Stand-ins for runWithTools' tests: a scripted `start` that counts its calls, a detector whose
 * behaviour the answer text dictates, and a strict JSON parser in place of the lenient one
 * (the real detector and parser have their own tests).
 */

export const weatherTool: ToolDefinition = { name: 'get_weather', parameters: { type: 'object' } };
export const timeTool: ToolDefinition = { name: 'get_time', parameters: { type: 'object' } };

export function toolRequest(choice: ToolChoice, overrides: Partial<ChatRequest> = {}): ChatRequest {
  return chatRequest({ tools: { tools: [weatherTool, timeTool], choice, parallel: true }, ...overrides });
}

/** An answer of text, ending with `finish: stop`. */
export const textAnswer = (text: string, finishReason: 'stop' | 'length' = 'stop'): ChatStreamPart[] => [
  ...blockOf('text', text),
  { type: 'finish', finishReason },
];

/** An answer the fake detector reads as a call of `name` (or as a problem when `name` is no tool). */
export const callAnswer = (name: string, args = '{}'): ChatStreamPart[] => textAnswer(`CALL ${name} ${args}`);

/**
 * The detector's stand-in: a text block `CALL <name> <arguments>` of a known tool becomes that
 * call and the finish `tool_calls`; of an unknown one, a problem, and the text stays. Reports
 * its outcome once, at the end, as detectToolCalls does.
 */
export function fakeDetect(): ToolCallDetector {
  let callCount = 0;
  return (parts, options) => {
    const calls: ToolCall[] = [];
    const problems: string[] = [];
    /** A text block's start, held until its first delta shows whether it is a call. */
    let heldStart: ChatStreamPart | undefined;
    let callBlock: string | undefined;
    const detector = new TransformStream<ChatStreamPart, ChatStreamPart>({
      transform(part, controller) {
        if (part.type === 'text-start') {
          heldStart = part;
          return;
        }
        const written = part.type === 'text-delta' ? /^CALL (\S+) (.*)$/s.exec(part.text) : null;
        const [, name = '', args = ''] = written ?? [];
        if (part.type === 'text-delta' && written !== null && heldStart !== undefined && options.tools.some((tool) => tool.name === name)) {
          const id = `call_fake${(callCount += 1)}`;
          calls.push({ id, name, arguments: args });
          controller.enqueue({ type: 'tool-call-start', id, name });
          controller.enqueue({ type: 'tool-call-delta', id, argumentsDelta: args });
          controller.enqueue({ type: 'tool-call-end', id });
          callBlock = part.id;
          heldStart = undefined;
          return;
        }
        if (written !== null) problems.push(`call 1: ${name} is not one of the tools`);
        if (part.type === 'text-end' && part.id === callBlock) return;
        if (heldStart !== undefined) controller.enqueue(heldStart);
        heldStart = undefined;
        if (part.type === 'finish' && calls.length > 0) controller.enqueue({ type: 'finish', finishReason: 'tool_calls' });
        else controller.enqueue(part);
      },
      flush() {
        options.onOutcome?.({ calls, problems });
      },
    });
    return parts.pipeThrough(detector);
  };
}

/** `JSON.parse` as a LenientJsonParser. */
export const strictJson: LenientJsonParser = (text) => {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
};

export function runOptions(overrides: Partial<RunWithToolsOptions> = {}): RunWithToolsOptions {
  return { trigger: 'xg7', detect: fakeDetect(), reask: reaskRequest, parseJson: strictJson, ...overrides };
}

/**
 * A `start` that answers its n-th call with the n-th answer and records each call; a call
 * beyond the script rejects (and is recorded), so an extra upstream chat shows in the count.
 */
export function scriptedStarts(answers: Array<ChatStreamPart[] | ReadableStream<ChatStreamPart>>) {
  const calls: Array<{ request: ChatRequest; attempt: 1 | 2 }> = [];
  const start: StartChat = async (request, attempt) => {
    calls.push({ request, attempt });
    const answer = answers[calls.length - 1];
    if (answer === undefined) throw new Error(`start called ${calls.length} times, more than scripted`);
    return Array.isArray(answer) ? streamOf(answer) : answer;
  };
  return { start, calls };
}

/** The last message of a request (the re-ask's added one). */
export const lastMessage = (request: ChatRequest | undefined) => request?.messages.at(-1);

/** A source the test writes to part by part, which records its cancel. */
export function pushableSource() {
  let controller!: ReadableStreamDefaultController<ChatStreamPart>;
  let reportCancel: (reason: unknown) => void = () => undefined;
  const cancelled = new Promise<unknown>((resolve) => {
    reportCancel = resolve;
  });
  const stream = new ReadableStream<ChatStreamPart>({
    start(streamController) {
      controller = streamController;
    },
    cancel(reason) {
      reportCancel(reason);
    },
  });
  return {
    stream,
    cancelled,
    push: (...parts: ChatStreamPart[]) => parts.forEach((part) => controller.enqueue(part)),
    close: () => controller.close(),
  };
}

/** What a reader still yields, to its end. */
export async function readRest<T>(reader: ReadableStreamDefaultReader<T>): Promise<T[]> {
  const values: T[] = [];
  for (let result = await reader.read(); !result.done; result = await reader.read()) values.push(result.value);
  return values;
}
