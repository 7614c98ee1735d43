import { describe, expect, it } from 'vitest';
import { closeDataLines } from '@/lib/sse/close-data-lines';
import { parseEventStream } from '@/lib/sse/parse-event-stream';

async function run(chunks: string[]): Promise<string> {
  const source = new ReadableStream<string>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let output = '';
  const reader = source.pipeThrough(closeDataLines()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return output;
    output += value;
  }
}

function everySplit(text: string): string[][] {
  const splits: string[][] = [[text], [...text]];
  for (let index = 1; index < text.length; index += 1) splits.push([text.slice(0, index), text.slice(index)]);
  return splits;
}

describe('closeDataLines', () => {
  it.each([
    ['LF', 'data:{"data":"a"}\ndata:{"data":"b"}\n', 'data:{"data":"a"}\n\ndata:{"data":"b"}\n\n'],
    ['CRLF', 'data:1\r\ndata:2\r\n', 'data:1\n\ndata:2\n\n'],
    ['CR', 'data:1\rdata:2\r', 'data:1\n\ndata:2\n\n'],
    ['mixed, with a blank line', 'data:1\r\n\r\n: c\rdata:2\n', 'data:1\n\n\n: c\ndata:2\n\n'],
    ['other lines untouched', 'id:1\n: ping\ndata:x\n\n', 'id:1\n: ping\ndata:x\n\n\n'],
    ['a line that only starts like data', 'dat\ndata\n', 'dat\ndata\n'],
  ])('%s, at every split position', async (_label, input, expected) => {
    for (const chunks of everySplit(input)) expect(await run(chunks)).toBe(expected);
  });

  it('lets the parser dispatch each data line at once, before the body ends', async () => {
    let push!: (text: string) => void;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(new TextEncoder().encode(text));
      },
    });
    const reader = parseEventStream(body, { eachDataLineIsAnEvent: true }).getReader();
    push('data:{"data":"first"}\n');
    expect((await reader.read()).value?.data).toBe('{"data":"first"}');
    push('data:{"data":"second"}\n');
    expect((await reader.read()).value?.data).toBe('{"data":"second"}');
  });
});
