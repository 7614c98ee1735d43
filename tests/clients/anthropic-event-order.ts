import { expect } from 'vitest';

/** One Anthropic SSE event: its `event:` name and `data:` JSON. */
export interface AnthropicSseEvent {
  name: string;
  data: any;
}

/** Splits an SSE body into events, checking each is exactly one `event:` and one `data:` line. */
export function parseAnthropicSse(text: string): AnthropicSseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      const match = /^event: ([a-z_]+)\ndata: (.+)$/.exec(block);
      if (!match) throw new Error(`not an Anthropic SSE event: ${JSON.stringify(block)}`);
      const data = JSON.parse(match[2]!);
      expect(data.type).toBe(match[1]);
      return { name: match[1]!, data };
    });
}

const DELTA_FOR_BLOCK: Record<string, string[]> = {
  text: ['text_delta'],
  thinking: ['thinking_delta', 'signature_delta'],
  tool_use: ['input_json_delta'],
};

/**
 * Checks the event grammar Claude Code and the SDK's MessageStream rely on: one
 * `message_start` first (integer usage with the cache fields); pings anywhere after it; blocks
 * one at a time with indices 0, 1, 2, … never reused, deltas only of the open block and of its
 * type, a thinking block's `signature_delta` (non-empty) just before its stop; then
 * `message_delta` (stop_reason, integer usage) and `message_stop` last.
 */
export function expectWellFormedStream(events: readonly AnthropicSseEvent[]): void {
  expect(events[0]?.name).toBe('message_start');
  const usage = events[0]!.data.message.usage;
  for (const field of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']) {
    expect(Number.isInteger(usage[field]), field).toBe(true);
  }
  expect(usage.input_tokens).toBeGreaterThan(0);
  let nextIndex = 0;
  let open: { index: number; type: string; lastDelta?: string } | undefined;
  const rest = events.slice(1).filter((event) => event.name !== 'ping');
  expect(rest.slice(-2).map((event) => event.name)).toEqual(['message_delta', 'message_stop']);
  for (const event of rest.slice(0, -2)) {
    switch (event.name) {
      case 'content_block_start':
        expect(open, 'a block starts while another is open').toBeUndefined();
        expect(event.data.index).toBe(nextIndex++);
        open = { index: event.data.index, type: event.data.content_block.type };
        break;
      case 'content_block_delta':
        expect(open?.index).toBe(event.data.index);
        expect(DELTA_FOR_BLOCK[open!.type]).toContain(event.data.delta.type);
        expect(open!.lastDelta, 'nothing after the signature').not.toBe('signature_delta');
        open!.lastDelta = event.data.delta.type;
        if (event.data.delta.type === 'signature_delta') expect(event.data.delta.signature.length).toBeGreaterThan(0);
        break;
      case 'content_block_stop':
        expect(open?.index).toBe(event.data.index);
        if (open!.type === 'thinking') expect(open!.lastDelta).toBe('signature_delta');
        open = undefined;
        break;
      default:
        throw new Error(`unexpected event ${event.name} before message_delta`);
    }
  }
  expect(open).toBeUndefined();
  const delta = rest.at(-2)!.data;
  expect(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use']).toContain(delta.delta.stop_reason);
  expect(Number.isInteger(delta.usage.output_tokens)).toBe(true);
}
