import type { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart, FinishReason } from '@/lib/providers/chat-provider';
import { assertNever } from '@/lib/providers/stream-blocks';
import { fromCustomToolArguments } from './custom-tool-arguments';
import type { NewResponseId } from './response-ids';
import type { CustomToolCallItem, FunctionCallItem, MessageItem, OutputItem, ReasoningItem, ResponseEvent } from './response-types';

/** How the answer ended, once it has. */
export type OutputOutcome = { kind: 'finished'; finishReason: FinishReason } | { kind: 'failed'; error: GatewayError };

export interface OutputTracker {
  /** The streaming events (without `sequence_number`) that `part` causes, in order. */
  apply(part: ChatStreamPart): ResponseEvent[];
  /** The output items so far, in `output_index` order. */
  output(): OutputItem[];
  /** Set by the first `finish` or `error`; parts after it are ignored. */
  outcome(): OutputOutcome | undefined;
  /** The upstream's token counts, when a `usage` part carried them. */
  reportedUsage(): { promptTokens: number; completionTokens: number } | undefined;
}

type OpenBlock =
  | { kind: 'message'; item?: MessageItem; index: number; text: string }
  | { kind: 'reasoning'; item?: ReasoningItem; index: number; text: string }
  | { kind: 'function'; item: FunctionCallItem; index: number }
  | { kind: 'custom'; name: string; arguments: string };

/**
 * Turns the pipeline's parts into Responses output items and their streaming events, for the
 * SSE encoder and the collector alike (one place decides what an item is). One block is one
 * item: reasoning → a `reasoning` item with one `summary_text`; text → a `message` with one
 * `output_text`; a tool call → a `function_call` (its `call_id` the pipeline's `call_…` id,
 * arguments streamed as they come) or, for a freeform `custom` tool, a `custom_tool_call` whose
 * `input` is the raw text, sent whole at the call's end (it is known only then).
 *
 * Text and reasoning items are opened at their first non-empty delta, so an empty block
 * sends nothing; `response.output_item.added` always comes before the item's deltas and
 * `response.output_item.done` after them, the order Codex and the AI SDK read.
 */
export function createOutputTracker(options: { newId: NewResponseId; customToolNames: ReadonlySet<string> }): OutputTracker {
  const items: OutputItem[] = [];
  const blocks = new Map<string, OpenBlock>();
  let outcome: OutputOutcome | undefined;
  let usage: { promptTokens: number; completionTokens: number } | undefined;

  const add = (item: OutputItem, sent: OutputItem): ResponseEvent => {
    items.push(item);
    return { type: 'response.output_item.added', output_index: items.length - 1, item: sent };
  };
  const done = (index: number, item: OutputItem): ResponseEvent => ({ type: 'response.output_item.done', output_index: index, item: structuredClone(item) });

  const openText = (block: Extract<OpenBlock, { kind: 'message' }>): ResponseEvent[] => {
    const item: MessageItem = { id: options.newId('msg'), type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    block.item = item;
    block.index = items.length;
    const opened = add(item, { ...item, content: [] });
    item.content.push({ type: 'output_text', text: '', annotations: [] });
    return [opened, { type: 'response.content_part.added', item_id: item.id, output_index: block.index, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }];
  };
  const openReasoning = (block: Extract<OpenBlock, { kind: 'reasoning' }>): ResponseEvent[] => {
    const item: ReasoningItem = { id: options.newId('rs'), type: 'reasoning', summary: [] };
    block.item = item;
    block.index = items.length;
    const opened = add(item, { ...item, summary: [] });
    item.summary.push({ type: 'summary_text', text: '' });
    return [opened, { type: 'response.reasoning_summary_part.added', item_id: item.id, output_index: block.index, summary_index: 0, part: { type: 'summary_text', text: '' } }];
  };

  const apply = (part: ChatStreamPart): ResponseEvent[] => {
    if (outcome !== undefined) return [];
    switch (part.type) {
      case 'text-start':
        blocks.set(part.id, { kind: 'message', index: -1, text: '' });
        return [];
      case 'reasoning-start':
        blocks.set(part.id, { kind: 'reasoning', index: -1, text: '' });
        return [];
      case 'text-delta':
      case 'reasoning-delta': {
        const block = blocks.get(part.id);
        if (part.text === '' || block === undefined || (block.kind !== 'message' && block.kind !== 'reasoning')) return [];
        const events = block.item !== undefined ? [] : block.kind === 'message' ? openText(block) : openReasoning(block);
        block.text += part.text;
        if (block.kind === 'message' && block.item !== undefined) {
          block.item.content[0]!.text = block.text;
          events.push({ type: 'response.output_text.delta', item_id: block.item.id, output_index: block.index, content_index: 0, delta: part.text, logprobs: [] });
        } else if (block.kind === 'reasoning' && block.item !== undefined) {
          block.item.summary[0]!.text = block.text;
          events.push({ type: 'response.reasoning_summary_text.delta', item_id: block.item.id, output_index: block.index, summary_index: 0, delta: part.text });
        }
        return events;
      }
      case 'text-end':
      case 'reasoning-end': {
        const block = blocks.get(part.id);
        blocks.delete(part.id);
        if (block?.kind === 'message' && block.item !== undefined) {
          const item = block.item;
          item.status = 'completed';
          const base = { item_id: item.id, output_index: block.index, content_index: 0 };
          return [
            { type: 'response.output_text.done', ...base, text: block.text, logprobs: [] },
            { type: 'response.content_part.done', ...base, part: { type: 'output_text', text: block.text, annotations: [] } },
            done(block.index, item),
          ];
        }
        if (block?.kind === 'reasoning' && block.item !== undefined) {
          const base = { item_id: block.item.id, output_index: block.index, summary_index: 0 };
          return [
            { type: 'response.reasoning_summary_text.done', ...base, text: block.text },
            { type: 'response.reasoning_summary_part.done', ...base, part: { type: 'summary_text', text: block.text } },
            done(block.index, block.item),
          ];
        }
        return [];
      }
      case 'tool-call-start': {
        if (options.customToolNames.has(part.name)) {
          blocks.set(part.id, { kind: 'custom', name: part.name, arguments: '' });
          return [];
        }
        const item: FunctionCallItem = { id: options.newId('fc'), type: 'function_call', status: 'in_progress', call_id: part.id, name: part.name, arguments: '' };
        blocks.set(part.id, { kind: 'function', item, index: items.length });
        return [add(item, { ...item })];
      }
      case 'tool-call-delta': {
        const block = blocks.get(part.id);
        if (block?.kind === 'custom') block.arguments += part.argumentsDelta;
        if (block?.kind !== 'function' || part.argumentsDelta === '') return [];
        block.item.arguments += part.argumentsDelta;
        return [{ type: 'response.function_call_arguments.delta', item_id: block.item.id, output_index: block.index, delta: part.argumentsDelta }];
      }
      case 'tool-call-end': {
        const block = blocks.get(part.id);
        blocks.delete(part.id);
        if (block?.kind === 'function') {
          block.item.status = 'completed';
          const base = { item_id: block.item.id, output_index: block.index };
          return [{ type: 'response.function_call_arguments.done', ...base, name: block.item.name, arguments: block.item.arguments }, done(block.index, block.item)];
        }
        if (block?.kind !== 'custom') return [];
        const input = fromCustomToolArguments(block.arguments);
        const item: CustomToolCallItem = { id: options.newId('ctc'), type: 'custom_tool_call', status: 'in_progress', call_id: part.id, name: block.name, input: '' };
        const index = items.length;
        const opened = add(item, { ...item });
        item.input = input;
        item.status = 'completed';
        const base = { item_id: item.id, output_index: index };
        return [
          opened,
          ...(input === '' ? [] : [{ type: 'response.custom_tool_call_input.delta', ...base, delta: input }]),
          { type: 'response.custom_tool_call_input.done', ...base, input },
          done(index, item),
        ];
      }
      case 'usage':
        usage = { promptTokens: part.promptTokens, completionTokens: part.completionTokens };
        return [];
      case 'finish':
        outcome = { kind: 'finished', finishReason: part.finishReason };
        return [];
      case 'error':
        outcome = { kind: 'failed', error: part.error };
        return [];
      default:
        return assertNever(part);
    }
  };

  return { apply, output: () => items, outcome: () => outcome, reportedUsage: () => usage };
}
