import { describe, expect, it } from 'vitest';
import { GatewayError } from '@/lib/errors/gateway-error';
import type { ChatStreamPart } from '@/lib/providers/chat-provider';
import { detectToolCalls, type ToolDetectionOutcome } from '@/lib/tools/detect-tool-calls';
import { formatToolCallBlock, openingTag } from '@/lib/tools/format-tool-calls';
import { readAll } from '@/tests/support/stream-helpers';
import { answerParts, blockViolation, everySplit, recordingSource, runDetector, summarise } from './detector-harness';
import { MODEL_OUTPUTS } from './fixtures/model-outputs';
import { TOOLS, TRIGGER } from './fixtures/tools';

const CALL_ID = /^call_[A-Za-z0-9]{24}$/;

describe('detectToolCalls over recorded model outputs, at every split position', () => {
  it.each(MODEL_OUTPUTS.map((sample) => [sample.name, sample] as const))('%s', async (_name, sample) => {
    const chunked = sample.chunked ?? 'text';
    const whole = chunked === 'text' ? sample.text : (sample.reasoning ?? '');
    const expectedFinish = sample.expected.calls.length > 0 ? 'tool_calls' : 'stop';
    for (const { label, chunks } of everySplit(whole)) {
      const parts = answerParts({
        ...(sample.reasoning === undefined ? {} : { reasoning: chunked === 'reasoning' ? chunks : [sample.reasoning] }),
        text: chunked === 'text' ? chunks : [sample.text],
      });
      const { output, record, outcomes } = await runDetector(parts, {
        tools: TOOLS,
        trigger: TRIGGER,
        parallel: sample.parallel ?? true,
        ...(sample.maxBlockChars === undefined ? {} : { maxBlockChars: sample.maxBlockChars }),
      });
      const seen = summarise(output);
      // Compared by hand first: a 20 KB mismatch printed for each of 20 000 cuts helps nobody.
      if (seen.text !== sample.expected.text) expect.fail(`${label}: text ${JSON.stringify(seen.text.slice(0, 300))}`);
      expect(seen.reasoning, label).toBe(sample.reasoning ?? '');
      expect(
        seen.calls.map((call) => ({ name: call.name, arguments: JSON.parse(call.arguments) as unknown })),
        label,
      ).toEqual(sample.expected.calls);
      expect(seen.finishes, label).toEqual([expectedFinish]);
      expect(blockViolation(output), label).toBeUndefined();
      for (const call of seen.calls) expect(call.id, label).toMatch(CALL_ID);
      expect(new Set(seen.calls.map((call) => call.id)).size, label).toBe(seen.calls.length);
      expect(outcomes, label).toHaveLength(1);
      expect(outcomes[0], label).toMatchObject({
        calls: seen.calls,
        textEmitted: /\S/.test(sample.expected.text),
        blockSeen: sample.expected.blockSeen,
      });
      if (sample.expected.stopsAt !== undefined) {
        // Read exactly up to the chunk that completes the tool-call section, then cancelled.
        expect(record.cancelled, label).toBe(true);
        let readTo = 0;
        for (const chunk of chunks) {
          if (readTo >= sample.expected.stopsAt) break;
          readTo += chunk.length;
        }
        expect(record.deliveredText.length, label).toBe(readTo);
      }
    }
  });
});

describe('detectToolCalls: hold-back', () => {
  const samples = [
    'Plain prose with no markup at all, in a few sentences.',
    'Comparisons: a < b, <b>bold</b>, <tool_call>, <tool_calls>, <tool_calls trigger="x">, <tool_calls trigger="xg8">.',
    'Almost: <tool_calls trigger="xg7" and then not a tag; <TOOL_CALLS   trigger = "xg7" >? no, longer than the tag.',
    'Inline `<tool_calls trigger="xg7">` and\n```\n<tool_calls trigger="xg7">\n```\nafter.',
  ];

  it.each(samples)('emits all but at most the opening tag\'s length while no tag is possible: %s', async (sample) => {
    const bound = openingTag(TRIGGER).length;
    for (const { label, chunks } of everySplit(sample)) {
      // A usage part after each chunk marks, in the output, how far the input had come.
      const parts: ChatStreamPart[] = [{ type: 'text-start', id: 'text-0' }];
      for (const text of chunks) {
        parts.push({ type: 'text-delta', id: 'text-0', text });
        parts.push({ type: 'usage', promptTokens: 0, completionTokens: parts.length });
      }
      parts.push({ type: 'text-end', id: 'text-0' }, { type: 'finish', finishReason: 'stop' });
      const { output } = await runDetector(parts, { tools: TOOLS, trigger: TRIGGER, parallel: true });
      let input = 0;
      let emitted = 0;
      let marks = 0;
      for (const part of output) {
        if (part.type === 'text-delta') emitted += part.text.length;
        if (part.type === 'usage') {
          input += chunks[marks]?.length ?? 0;
          marks += 1;
          expect(emitted, `${label}, after chunk ${marks}`).toBeGreaterThanOrEqual(input - bound);
        }
      }
      expect(marks, label).toBe(chunks.length);
      expect(summarise(output).text, label).toBe(sample);
    }
  });

  it('holds back a possible start of the tag, and only that', async () => {
    const parts: ChatStreamPart[] = [
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: 'Calling now: <tool_calls trig' },
      { type: 'usage', promptTokens: 0, completionTokens: 0 },
      { type: 'text-delta', id: 'text-0', text: 'ger="xg7">\n<invoke name="get_time">{"zone":"UTC"}</invoke></tool_calls>' },
    ];
    const { output } = await runDetector(parts, { tools: TOOLS, trigger: TRIGGER, parallel: true });
    const beforeMark = output.slice(0, output.findIndex((part) => part.type === 'usage'));
    expect(summarise(beforeMark).text).toBe('Calling now: ');
    expect(summarise(output).calls.map((call) => call.name)).toEqual(['get_time']);
  });
});

describe('detectToolCalls: the stream around the calls', () => {
  const weatherBlock = formatToolCallBlock([{ name: 'get_weather', arguments: '{"city":"Oslo"}' }], TRIGGER);

  it('keeps the source text block id, ends it before the calls, and opens no empty text block', async () => {
    const withProse = await runDetector(answerParts({ text: ['Hi. ', weatherBlock] }), { tools: TOOLS, trigger: TRIGGER, parallel: true });
    expect(withProse.output.slice(0, 3)).toEqual([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: 'Hi. ' },
      { type: 'text-end', id: 'text-0' },
    ]);
    expect(withProse.output[3]).toMatchObject({ type: 'tool-call-start', name: 'get_weather' });

    const bare = await runDetector(answerParts({ text: [weatherBlock] }), { tools: TOOLS, trigger: TRIGGER, parallel: true });
    expect(bare.output.map((part) => part.type)).toEqual(['tool-call-start', 'tool-call-delta', 'tool-call-end', 'finish']);
  });

  it('emits one delta with the whole arguments, and uses the injected ids', async () => {
    let n = 0;
    const { output } = await runDetector(answerParts({ text: [weatherBlock] }), {
      tools: TOOLS,
      trigger: TRIGGER,
      parallel: true,
      newId: () => `call_${String(++n).padStart(24, '0')}`,
    });
    expect(output).toEqual([
      { type: 'tool-call-start', id: 'call_000000000000000000000001', name: 'get_weather' },
      { type: 'tool-call-delta', id: 'call_000000000000000000000001', argumentsDelta: '{"city":"Oslo"}' },
      { type: 'tool-call-end', id: 'call_000000000000000000000001' },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
  });

  it('cancels a live source at the block end, without waiting for it to close', async () => {
    let cancelled = false;
    let pulls = 0;
    const live = new ReadableStream<ChatStreamPart>(
      {
        start(controller) {
          for (const part of answerParts({ text: [weatherBlock] }).slice(0, 2)) controller.enqueue(part);
        },
        pull() {
          pulls += 1;
          // A live upstream: nothing more yet, and never closing by itself.
          return new Promise<void>(() => {});
        },
        cancel() {
          cancelled = true;
        },
      },
      { highWaterMark: 0 },
    );
    const output = await readAll(detectToolCalls(live, { tools: TOOLS, trigger: TRIGGER, parallel: true }));
    expect(cancelled).toBe(true);
    expect(summarise(output).finishes).toEqual(['tool_calls']);
    expect(pulls).toBeLessThanOrEqual(1);
  });

  it('cancelling the output cancels the source, and reports once', async () => {
    const { stream, record } = recordingSource(answerParts({ text: ['Some text ', 'and more'] }));
    const outcomes: ToolDetectionOutcome[] = [];
    const reader = detectToolCalls(stream, { tools: TOOLS, trigger: TRIGGER, parallel: true, onOutcome: (outcome) => outcomes.push(outcome) }).getReader();
    await reader.read();
    await reader.cancel('client gone');
    expect(record.cancelled).toBe(true);
    expect(record.cancelReason).toBe('client gone');
    expect(outcomes).toEqual([{ calls: [], problems: [], textEmitted: true, blockSeen: false }]);
  });

  it('passes usage through, and the source finish (with its reason) when no call was made', async () => {
    const usage: ChatStreamPart = { type: 'usage', promptTokens: 3, completionTokens: 4 };
    const parts = [...answerParts({ text: ['a <tool_calls', ' b'], finish: { type: 'finish', finishReason: 'length' } })];
    parts.splice(parts.length - 1, 0, usage);
    const { output } = await runDetector(parts, { tools: TOOLS, trigger: TRIGGER, parallel: true });
    expect(output).toEqual([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: 'a ' },
      { type: 'text-delta', id: 'text-0', text: '<tool_calls b' },
      { type: 'text-end', id: 'text-0' },
      usage,
      { type: 'finish', finishReason: 'length' },
    ]);
  });

  it('on an error inside a block passes the block on as text, then the error', async () => {
    const error = new GatewayError('upstream broke', { status: 502, type: 'upstream_error' });
    const parts: ChatStreamPart[] = [
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', text: `x ${openingTag(TRIGGER)}\n<invoke name="get_time">` },
      { type: 'error', error },
    ];
    const { output, outcomes } = await runDetector(parts, { tools: TOOLS, trigger: TRIGGER, parallel: true });
    expect(summarise(output).text).toBe(`x ${openingTag(TRIGGER)}\n<invoke name="get_time">`);
    expect(output.at(-1)).toEqual({ type: 'error', error });
    expect(outcomes).toHaveLength(1);
  });

  it('turns a block without valid calls into text, reports why, and still finds a later block', async () => {
    const broken = formatToolCallBlock([{ name: 'get_wether', arguments: '{"city":"Oslo"}' }], TRIGGER);
    const text = `First try:\n${broken}\nSecond try:\n${weatherBlock}`;
    for (const { label, chunks } of everySplit(text)) {
      const { output, outcomes } = await runDetector(answerParts({ text: chunks }), { tools: TOOLS, trigger: TRIGGER, parallel: true });
      const seen = summarise(output);
      expect(seen.text, label).toBe(`First try:\n${broken}\nSecond try:\n`);
      expect(seen.calls.map((call) => call.name), label).toEqual(['get_weather']);
      expect(outcomes[0]?.problems, label).toEqual([expect.stringContaining('no tool named "get_wether"')]);
    }
  });

  it('reports the problems of an answer whose only block is invalid, with finish stop', async () => {
    const invalid = formatToolCallBlock([{ name: 'get_weather', arguments: '{"city": 42}' }], TRIGGER);
    const { output, outcomes } = await runDetector(answerParts({ text: [invalid] }), { tools: TOOLS, trigger: TRIGGER, parallel: true });
    expect(summarise(output)).toMatchObject({ text: invalid, calls: [], finishes: ['stop'] });
    expect(outcomes).toEqual([{ calls: [], problems: [expect.stringContaining('/city: must be string')], textEmitted: true, blockSeen: true }]);
  });

  it('with parallel false goes past an invalid first call to the first valid one', async () => {
    const block = formatToolCallBlock(
      [
        { name: 'get_weather', arguments: '{"town": "Oslo"}' },
        { name: 'get_time', arguments: '{"zone": "Europe/Oslo"}' },
        { name: 'get_weather', arguments: '{"city": "Oslo"}' },
      ],
      TRIGGER,
    );
    const { output, record } = await runDetector(answerParts({ text: [block.slice(0, block.indexOf('get_weather', 40)), block.slice(block.indexOf('get_weather', 40))] }), {
      tools: TOOLS,
      trigger: TRIGGER,
      parallel: false,
    });
    expect(summarise(output).calls.map((call) => call.name)).toEqual(['get_time']);
    expect(record.cancelled).toBe(true);
  });

  it('ignores a call in the reasoning when there are two valid blocks there, even with an empty answer', async () => {
    const block = formatToolCallBlock([{ name: 'get_time', arguments: '{"zone":"UTC"}' }], TRIGGER);
    const { output, outcomes } = await runDetector(answerParts({ reasoning: [`${block}\nor rather\n${block}`], text: [' '] }), {
      tools: TOOLS,
      trigger: TRIGGER,
      parallel: true,
    });
    expect(summarise(output)).toMatchObject({ calls: [], finishes: ['stop'] });
    expect(outcomes[0]?.blockSeen).toBe(true);
  });

  it('ignores an unfinished block in the reasoning', async () => {
    const block = formatToolCallBlock([{ name: 'get_time', arguments: '{"zone":"UTC"}' }], TRIGGER);
    const { output } = await runDetector(answerParts({ reasoning: [block.slice(0, -'</tool_calls>'.length)], text: [] }), {
      tools: TOOLS,
      trigger: TRIGGER,
      parallel: true,
    });
    expect(summarise(output)).toMatchObject({ calls: [], finishes: ['stop'] });
  });

  it('reads a block whose tags vary in case and quote style', async () => {
    const text = `<TOOL_CALLS trigger='xg7'>\n<Invoke name=get_time>{"zone":"UTC"}</ invoke>\n</Tool_Calls>`;
    for (const { label, chunks } of everySplit(text)) {
      const { output } = await runDetector(answerParts({ text: chunks }), { tools: TOOLS, trigger: TRIGGER, parallel: true });
      expect(summarise(output).calls.map((call) => [call.name, call.arguments]), label).toEqual([['get_time', '{"zone":"UTC"}']]);
    }
  });
});
