import type { EventSourceMessage } from 'eventsource-parser';
import { describe, expect, it } from 'vitest';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { parseXipuStream } from '@/lib/xipu/api/parse-xipu-stream';
import { parseEventStream } from '@/lib/sse/parse-event-stream';
import {
  cancellableStreamOf,
  mergeDeltas,
  readAll,
  runTransform,
  settlesWithin,
  streamOf,
} from '@/tests/support/stream-helpers';

const event = (data: string): EventSourceMessage => ({ data });
const text = (value: string): ChatStreamPart => ({ type: 'text-delta', id: 'text-0', text: value });
/** The answer is one text block, `text-0`. */
const inBlock = (deltas: ChatStreamPart[]): ChatStreamPart[] => [
  { type: 'text-start', id: 'text-0' },
  ...deltas,
  { type: 'text-end', id: 'text-0' },
];

describe('parseXipuStream', () => {
  it.each<[name: string, events: string[], expected: ChatStreamPart[]]>([
    ['answer pieces', ['{"data":"Hello"}', '{"data":", world"}'], [text('Hello'), text(', world')]],
    [
      'metadata of any other type is skipped',
      ['{"data":{"sessionId":7}}', '{"data":42}', '{"data":null}', '{"data":["x"]}', '{"data":true}', '{"data":"ok"}'],
      [text('ok')],
    ],
    ['objects without data are skipped', ['{"code":0,"msg":"ok"}', '{"data":"a"}'], [text('a')]],
    ['empty pieces are skipped', ['{"data":""}', '{"data":"a"}'], [text('a')]],
    ['JSON that is not an object is skipped', ['"text"', '3', 'null', '[]', '{"data":"a"}'], [text('a')]],
    ['data that is not JSON is skipped', ['not json', '{"data":', '{"data":"a"}'], [text('a')]],
    ['nothing after [DONE] is read', ['{"data":"a"}', '[DONE]', '{"data":"b"}'], [text('a')]],
    ['[DONE] with whitespace', ['{"data":"a"}', ' [DONE] ', '{"data":"b"}'], [text('a')]],
    ['a stream without [DONE]', ['{"data":"a"}'], [text('a')]],
    ['JSON spread over several data lines', ['{\n"data": "a"\n}'], [text('a')]],
    ['several JSON lines in one event', ['{"data":"a"}\n{"data":"b"}\nnoise'], [text('a'), text('b')]],
    ['[DONE] as one of several lines', ['{"data":"a"}\n[DONE]\n{"data":"b"}', '{"data":"c"}'], [text('a')]],
    ['whitespace and newlines in pieces are kept', ['{"data":" a\\n\\n"}'], [text(' a\n\n')]],
  ])('%s', async (_name, events, expected) => {
    expect(await runTransform(parseXipuStream(), events.map(event))).toEqual(inBlock(expected));
  });

  it('stops reading the upstream at [DONE]', async () => {
    const source = cancellableStreamOf([event('{"data":"a"}'), event('[DONE]'), event('{"data":"late"}')]);
    expect(await readAll(source.stream.pipeThrough(parseXipuStream()))).toEqual(inBlock([text('a')]));
    expect(await settlesWithin(source.cancelled, 1_000)).toBe(true);
  });

  it('reads a recorded-style XIPU body into the answer, however its bytes are chunked', async () => {
    const body = [
      ': comment\n',
      'data:{"data":{"sessionId":123,"model":"gpt-4.1"}}\n\n',
      'data:{"data":"你好"}\n\n',
      '\n',
      'data: {"data":"，世界 🌏\\n"}\r\n\r\n',
      'data:{"data":"Line two"}\n',
      'data:{"data":"!"}\n\n',
      'data:[DONE]\n\n',
      'data:{"data":"after done"}\n\n',
    ].join('');
    const bytes = new TextEncoder().encode(body);
    const expected = inBlock([text('你好，世界 🌏\nLine two!')]);
    for (let position = 0; position <= bytes.length; position += 1) {
      const chunks = [bytes.slice(0, position), bytes.slice(position)];
      const parts = await readAll(parseEventStream(streamOf(chunks)).pipeThrough(parseXipuStream()));
      expect(mergeDeltas(parts), `split at byte ${position}`).toEqual(expected);
    }
  });
});
