import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { detectToolCalls, type DetectToolCallsOptions, type ToolDetectionOutcome } from '@/lib/tools/detect-tool-calls';
import { readAll } from '@/tests/support/stream-helpers';

/**
 * A source as a live upstream is: it hands out one part per read (nothing read ahead), and
 * records how far it was read and whether it was cancelled.
 */
export function recordingSource(parts: readonly ChatStreamPart[]) {
  const record = { delivered: 0, deliveredText: '', cancelled: false, cancelReason: undefined as unknown };
  const stream = new ReadableStream<ChatStreamPart>(
    {
      pull(controller) {
        const part = parts[record.delivered];
        if (part === undefined) {
          controller.close();
          return;
        }
        record.delivered += 1;
        if (part.type === 'text-delta') record.deliveredText += part.text;
        controller.enqueue(part);
      },
      cancel(reason) {
        record.cancelled = true;
        record.cancelReason = reason;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, record };
}

/**
 * Every way the text may arrive: whole, in two chunks cut at every position, one character per
 * chunk. Cuts never split a surrogate pair. (tests/support's everyChunking joins arrays of
 * characters per cut, too slow for a 20 KB sample.)
 */
export function everySplit(text: string): Array<{ label: string; chunks: string[] }> {
  const cuts: Array<{ label: string; chunks: string[] }> = [{ label: 'whole', chunks: [text] }];
  for (let position = 1; position < text.length; position += 1) {
    if (isLowSurrogate(text.charCodeAt(position))) continue;
    cuts.push({ label: `split at ${position}`, chunks: [text.slice(0, position), text.slice(position)] });
  }
  cuts.push({ label: 'one character per chunk', chunks: Array.from(text) });
  return cuts;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** An answer as the XIPU provider streams it: reasoning block, text block, `finish`. */
export function answerParts(options: { reasoning?: string[]; text: string[]; finish?: ChatStreamPart }): ChatStreamPart[] {
  const parts: ChatStreamPart[] = [];
  if (options.reasoning !== undefined) {
    parts.push({ type: 'reasoning-start', id: 'reasoning-0' });
    for (const text of options.reasoning) parts.push({ type: 'reasoning-delta', id: 'reasoning-0', text });
    parts.push({ type: 'reasoning-end', id: 'reasoning-0' });
  }
  parts.push({ type: 'text-start', id: 'text-0' });
  for (const text of options.text) parts.push({ type: 'text-delta', id: 'text-0', text });
  parts.push({ type: 'text-end', id: 'text-0' });
  parts.push(options.finish ?? { type: 'finish', finishReason: 'stop' });
  return parts;
}

/** Runs the detector over `parts` and reads everything: the output, the source's record, the outcomes. */
export async function runDetector(parts: readonly ChatStreamPart[], options: Omit<DetectToolCallsOptions, 'onOutcome'>) {
  const { stream, record } = recordingSource(parts);
  const outcomes: ToolDetectionOutcome[] = [];
  const output = await readAll(detectToolCalls(stream, { ...options, onOutcome: (outcome) => outcomes.push(outcome) }));
  return { output, record, outcomes };
}

/** What the client sees in the output: the text, the reasoning, the calls, the finish. */
export function summarise(parts: readonly ChatStreamPart[]) {
  let text = '';
  let reasoning = '';
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  const finishes: string[] = [];
  for (const part of parts) {
    if (part.type === 'text-delta') text += part.text;
    if (part.type === 'reasoning-delta') reasoning += part.text;
    if (part.type === 'tool-call-start') calls.push({ id: part.id, name: part.name, arguments: '' });
    if (part.type === 'tool-call-delta') {
      const call = calls.find((candidate) => candidate.id === part.id);
      if (call === undefined) throw new Error(`a delta for a call that never started: ${part.id}`);
      call.arguments += part.argumentsDelta;
    }
    if (part.type === 'finish') finishes.push(part.finishReason);
  }
  return { text, reasoning, calls, finishes };
}

/**
 * The block rules of docs/architecture.md "Stream parts": one block open at a time, deltas only
 * inside their block, every block ended before `finish`, `finish` last, no empty text delta.
 * Returns the first violation, or undefined.
 */
export function blockViolation(parts: readonly ChatStreamPart[]): string | undefined {
  let open: { kind: string; id: string } | undefined;
  for (const [index, part] of parts.entries()) {
    const [kind, edge] = splitType(part.type);
    if (part.type === 'finish' && index !== parts.length - 1) return `finish at ${index} is not last`;
    if (part.type === 'finish' && open !== undefined) return `finish with ${open.id} open`;
    if (edge === undefined) continue;
    const id = (part as { id: string }).id;
    if (edge === 'start') {
      if (open !== undefined) return `${id} starts while ${open.id} is open`;
      open = { kind, id };
    } else if (open?.id !== id || open.kind !== kind) {
      return `${part.type} ${id} outside its block (open: ${open?.id ?? 'none'})`;
    } else if (edge === 'end') {
      open = undefined;
    }
    if ((part.type === 'text-delta' || part.type === 'reasoning-delta') && part.text === '') return `empty delta at ${index}`;
  }
  return undefined;
}

function splitType(type: ChatStreamPart['type']): [string, 'start' | 'delta' | 'end' | undefined] {
  const match = /^(text|reasoning|tool-call)-(start|delta|end)$/.exec(type);
  return match === null ? [type, undefined] : [match[1] ?? '', match[2] as 'start' | 'delta' | 'end'];
}
