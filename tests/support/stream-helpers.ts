import type { ChatStreamPart } from '@/lib/providers/chat-provider';

/** A stream that yields `chunks` in order, then closes. */
export function streamOf<T>(chunks: readonly T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

/** Reads `stream` to its end. */
export async function readAll<T>(stream: ReadableStream<T>): Promise<T[]> {
  const reader = stream.getReader();
  const values: T[] = [];
  for (;;) {
    const result = await reader.read();
    if (result.done) return values;
    values.push(result.value);
  }
}

/** Feeds `input` through `transform` and reads everything it emits. */
export function runTransform<Input, Output>(
  transform: TransformStream<Input, Output>,
  input: readonly Input[],
): Promise<Output[]> {
  return readAll(streamOf(input).pipeThrough(transform));
}

/**
 * Joins neighbouring deltas of the same type, so one expected part list can be compared with
 * the output of any chunking of the same text. Non-delta parts are kept as they are.
 */
export function mergeDeltas(parts: readonly ChatStreamPart[]): ChatStreamPart[] {
  const merged: ChatStreamPart[] = [];
  for (const part of parts) {
    const previous = merged.at(-1);
    if (
      (part.type === 'text-delta' || part.type === 'reasoning-delta') &&
      previous !== undefined &&
      previous.type === part.type &&
      previous.id === part.id
    ) {
      merged[merged.length - 1] = { type: part.type, id: part.id, text: previous.text + part.text };
    } else {
      merged.push(part);
    }
  }
  return merged;
}

export interface Chunking {
  /** Says how the text was cut, for assertion messages. */
  label: string;
  chunks: string[];
}

/**
 * Every way a detector must cope with `text` arriving: whole; in two chunks cut at every
 * position; one character per chunk. Cuts fall between code points, as upstream JSON strings
 * never split a surrogate pair.
 */
export function everyChunking(text: string): Chunking[] {
  const characters = Array.from(text);
  const chunkings: Chunking[] = [{ label: 'whole', chunks: [text] }];
  for (let position = 1; position < characters.length; position += 1) {
    chunkings.push({
      label: `split at ${position}`,
      chunks: [characters.slice(0, position).join(''), characters.slice(position).join('')],
    });
  }
  chunkings.push({ label: 'one character per chunk', chunks: characters });
  return chunkings;
}

/** One `text-delta` per chunk, all in block `id`. */
export function textDeltas(chunks: readonly string[], id = 'text-0'): ChatStreamPart[] {
  return chunks.map((text) => ({ type: 'text-delta', id, text }));
}

/** A whole text block: `text-start`, one `text-delta` per chunk, `text-end`. */
export function textBlockOf(chunks: readonly string[], id = 'text-0'): ChatStreamPart[] {
  return [{ type: 'text-start', id }, ...textDeltas(chunks, id), { type: 'text-end', id }];
}

/** A whole block of one delta (`text-0`, `reasoning-0` unless `id` says otherwise). */
export function blockOf(kind: 'text' | 'reasoning', text: string, id = `${kind}-0`): ChatStreamPart[] {
  return [
    { type: `${kind}-start`, id },
    { type: `${kind}-delta`, id, text },
    { type: `${kind}-end`, id },
  ];
}

/** Whether any delta in `parts` carries no text (transforms must never emit one). */
export function hasEmptyDelta(parts: readonly ChatStreamPart[]): boolean {
  return parts.some((part) => (part.type === 'text-delta' || part.type === 'reasoning-delta') && part.text === '');
}

/**
 * A source that records whether it was cancelled: yields `chunks`, then stays open (as a live
 * upstream would) until cancelled or, with `close: true`, closes.
 */
export function cancellableStreamOf<T>(
  chunks: readonly T[],
  options: { close?: boolean } = {},
): { stream: ReadableStream<T>; cancelled: Promise<unknown> } {
  let reportCancel: (reason: unknown) => void = () => {};
  const cancelled = new Promise<unknown>((resolve) => {
    reportCancel = resolve;
  });
  const stream = new ReadableStream<T>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      if (options.close === true) controller.close();
    },
    cancel(reason) {
      reportCancel(reason);
    },
  });
  return { stream, cancelled };
}

/** Whether `promise` settles within `milliseconds` (so a missing cancel fails fast, not by timeout). */
export async function settlesWithin(promise: Promise<unknown>, milliseconds: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), milliseconds);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
