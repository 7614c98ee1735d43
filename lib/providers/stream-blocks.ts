import type { BlockKind, ChatStreamPart } from '@/lib/providers/chat-provider';

/**
 * Helpers for the block structure of `ChatStreamPart` streams (lib/providers/chat-provider.ts):
 * the exhaustiveness check, block ids, and tracking which blocks are open.
 */

/** Ends every `switch` over `part.type`: a part type without a `case` is a compile error. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled stream part: ${JSON.stringify(value)}`);
}

/** The block a start or end part opens or closes, or `undefined` for other parts. */
export function blockEdge(part: ChatStreamPart): { edge: 'start' | 'end'; kind: BlockKind; id: string } | undefined {
  switch (part.type) {
    case 'text-start':
      return { edge: 'start', kind: 'text', id: part.id };
    case 'text-end':
      return { edge: 'end', kind: 'text', id: part.id };
    case 'reasoning-start':
      return { edge: 'start', kind: 'reasoning', id: part.id };
    case 'reasoning-end':
      return { edge: 'end', kind: 'reasoning', id: part.id };
    case 'tool-call-start':
      return { edge: 'start', kind: 'tool-call', id: part.id };
    case 'tool-call-end':
      return { edge: 'end', kind: 'tool-call', id: part.id };
    case 'text-delta':
    case 'reasoning-delta':
    case 'tool-call-delta':
    case 'usage':
    case 'finish':
    case 'error':
      return undefined;
    default:
      return assertNever(part);
  }
}

/** The end part of a block. */
export function endOf(kind: BlockKind, id: string): ChatStreamPart {
  return { type: `${kind}-end`, id };
}

/** One whole text block: start, one delta (none when `text` is empty), end. */
export function textBlock(id: string, text: string): ChatStreamPart[] {
  return [
    { type: 'text-start', id },
    ...(text === '' ? [] : [{ type: 'text-delta' as const, id, text }]),
    { type: 'text-end', id },
  ];
}

/**
 * Watches a stream's parts: which blocks are open (to end them before a `finish` a transform
 * adds itself) and which ids are taken (so an added block gets a fresh `text-N`).
 */
export function createBlockTracker() {
  const open = new Map<string, BlockKind>();
  const usedIds = new Set<string>();
  return {
    observe(part: ChatStreamPart): void {
      const edge = blockEdge(part);
      if (edge === undefined) return;
      usedIds.add(edge.id);
      if (edge.edge === 'start') open.set(edge.id, edge.kind);
      else open.delete(edge.id);
    },
    /** The id of the open text block, if one is open. */
    openText(): string | undefined {
      for (const [id, kind] of open) if (kind === 'text') return id;
      return undefined;
    },
    /** End parts for every open block, and forgets them. */
    endAll(): ChatStreamPart[] {
      const ends = [...open].map(([id, kind]) => endOf(kind, id));
      open.clear();
      return ends;
    },
    /** The first `<kind>-N` id not seen in the stream; marks it as taken. */
    freshId(kind: 'text' | 'reasoning'): string {
      let n = 0;
      while (usedIds.has(`${kind}-${n}`)) n += 1;
      const id = `${kind}-${n}`;
      usedIds.add(id);
      return id;
    },
  };
}

export type BlockTracker = ReturnType<typeof createBlockTracker>;

/**
 * Writes text and reasoning as blocks for a transform that produces its own: a delta opens a
 * block of its kind (ending the other kind's open block first), `end()` ends the open one. Ids
 * count up per kind from 0. Never emits an empty delta, so never an empty block.
 */
export function createBlockWriter(enqueue: (part: ChatStreamPart) => void) {
  const next = { text: 0, reasoning: 0 };
  let current: { kind: 'text' | 'reasoning'; id: string } | undefined;
  const end = (): void => {
    if (current === undefined) return;
    enqueue(endOf(current.kind, current.id));
    current = undefined;
  };
  return {
    write(kind: 'text' | 'reasoning', text: string): void {
      if (text === '') return;
      if (current?.kind !== kind) {
        end();
        current = { kind, id: `${kind}-${next[kind]++}` };
        enqueue({ type: `${kind}-start`, id: current.id });
      }
      enqueue({ type: `${kind}-delta`, id: current.id, text });
    },
    end,
  };
}
