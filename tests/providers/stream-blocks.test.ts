import { describe, expect, it } from 'vitest';
import { endStreamWithFinish } from '@/lib/chat/end-stream-with-finish';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { assertNever, createBlockTracker, createBlockWriter } from '@/lib/providers/stream-blocks';
import { readAll, streamOf } from '@/tests/support/stream-helpers';

/**
 * Compile-time checks (tsc --noEmit covers tests/): a `switch` over `part.type` that ends in
 * `assertNever(part)` must name every part type, so a new part type breaks every consumer's
 * build instead of being dropped silently.
 */
function describesEveryPart(part: ChatStreamPart): string {
  switch (part.type) {
    case 'text-start':
    case 'text-delta':
    case 'text-end':
    case 'reasoning-start':
    case 'reasoning-delta':
    case 'reasoning-end':
    case 'tool-call-start':
    case 'tool-call-delta':
    case 'tool-call-end':
    case 'usage':
    case 'finish':
    case 'error':
      return part.type;
    default:
      return assertNever(part);
  }
}

function forgetsToolCalls(part: ChatStreamPart): string {
  switch (part.type) {
    case 'text-start':
    case 'text-delta':
    case 'text-end':
    case 'reasoning-start':
    case 'reasoning-delta':
    case 'reasoning-end':
    case 'usage':
    case 'finish':
    case 'error':
      return part.type;
    default:
      // @ts-expect-error -- the tool-call parts are not handled, so `part` is not `never`
      return assertNever(part);
  }
}

describe('stream blocks', () => {
  it('assertNever throws when a part slips past a switch at run time', () => {
    expect(describesEveryPart({ type: 'text-end', id: 'text-0' })).toBe('text-end');
    expect(() => forgetsToolCalls({ type: 'tool-call-end', id: 'call_1' })).toThrow(/Unhandled stream part/);
  });

  it('the writer opens a block per kind change, never an empty one, with ids counting up per kind', () => {
    const parts: ChatStreamPart[] = [];
    const writer = createBlockWriter((part) => parts.push(part));
    writer.write('reasoning', 'r');
    writer.write('text', '');
    writer.write('text', 'a');
    writer.write('text', 'b');
    writer.end();
    writer.write('text', 'c');
    writer.end();
    writer.end();
    expect(parts).toEqual([
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', text: 'r' },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: 'a' },
      { type: 'text-delta', id: 'text-0', text: 'b' },
      { type: 'text-end', id: 'text-0' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', text: 'c' },
      { type: 'text-end', id: 'text-1' },
    ]);
  });

  it('the tracker ends open blocks and hands out ids the stream has not used', () => {
    const tracker = createBlockTracker();
    tracker.observe({ type: 'text-start', id: 'text-0' });
    tracker.observe({ type: 'text-end', id: 'text-0' });
    tracker.observe({ type: 'tool-call-start', id: 'call_1', name: 'f' });
    expect(tracker.endAll()).toEqual([{ type: 'tool-call-end', id: 'call_1' }]);
    expect(tracker.endAll()).toEqual([]);
    expect(tracker.freshId('text')).toBe('text-1');
    expect(tracker.freshId('text')).toBe('text-2');
    expect(tracker.freshId('reasoning')).toBe('reasoning-0');
  });

  it('endStreamWithFinish ends a block the source left open before its finish', async () => {
    const source = streamOf<ChatStreamPart>([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: 'Hi' },
    ]);
    expect(await readAll(endStreamWithFinish(source, { finishReason: 'stop' }))).toEqual([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: 'Hi' },
      { type: 'text-end', id: 'text-0' },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });
});
