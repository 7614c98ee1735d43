/**
 * Section 4 of `npm run bench`: tools in the request. The same streaming request with and
 * without `tools` (three functions, `tool_choice: auto`) against the same scripted reply (plain
 * prose, no call), interleaved on an idle account; and one reply that makes a call.
 *
 * The hold-back is measured within each stream, on one clock: the simulator records when it
 * wrote each piece (`state().recentStreams`), the client when each piece arrived
 * (./hold-back.ts). Without tools that lag is the transport through `next start`; with tools it
 * adds what the detector holds back (docs/tool-calls.md "Detection while streaming").
 */
import { formatToolCallBlock, openingTag, TOOL_CALLS_CLOSING_TAG } from '@/lib/tools/format-tool-calls';
import { maxHeldBack } from '@/lib/tools/match-opening-tag';
import type { SimulatorHandle, StreamTimeline } from '@/simulator/start-simulator';
import { gatewayChat, type GatewayChatResult } from './gateway-client';
import { lagProfile, medianProfile, peak, reachedAt, subtractProfile, type LagProfile } from './hold-back';
import { median, ms, p95, signedMs, table } from './stats';

/** The gateway's trigger word in the benchmark (TOOL_CALL_TRIGGER). */
export const BENCH_TOOL_TRIGGER = 'xg7';
/**
 * Between two pieces of the scripted replies (`SIM-DELAY`): faster than a real model, so that
 * 1 KB streams in about half a second and the section stays short. The hold-back in
 * characters does not depend on it; in ms it scales with it.
 */
const PIECE_DELAY_MS = 1;

const PROSE_MARKER = 'bench-tools: the migration question';
const CALL_MARKER = 'bench-tools: the weather question';

/**
 * Plain prose, no call: about 1 KB with a few `<`. Only `<tool_calls trigger="demo">` (another
 * trigger, as in a text that shows the format) can be held long: it reads as the start of the
 * opening tag until the `d`. `<br>`, `<b>` and `n < 10000` are ruled out at once (`<` alone at
 * a piece's end waits for the next piece).
 */
const PROSE = [
  'Here is how I would approach the migration. Start with the read path: it is the part your users notice first, and the easiest to roll back if something looks wrong. Keep the old endpoint running while the new one takes a small share of the traffic, then raise that share day by day.',
  '',
  'For the batch jobs the rule of thumb is simple: when a job touches fewer than ten thousand rows (n < 10000), run it inline; otherwise queue it and let the worker pool pick it up at night. The queue already retries failed items, so there is nothing new to build there.',
  '',
  "On the template side, replace the old <br> line breaks with real paragraphs and keep <b> only where the text needs emphasis. A page that documents the assistant's format may even show a tag such as <tool_calls trigger=\"demo\">: with a trigger word other than the deployment's, it is only text.",
  '',
  'Finally, write down what you measured before and after. Two numbers are enough: the median time to first byte and the 95th percentile. If both stay within a few milliseconds of each other, ship it, and keep the old path for one more week.',
].join('\n');
const FALSE_START = '<tool_calls trigger="demo">';

const CALL_PROSE = 'I will look up the current weather in Paris first.\n\n';
const CALL_REPLY = `${CALL_PROSE}${formatToolCallBlock([{ name: 'get_weather', arguments: '{"city": "Paris", "unit": "celsius"}' }], BENCH_TOOL_TRIGGER)}`;

/** Three functions as an agent sends them. */
const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'The current weather in a city.',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string', description: 'City name, e.g. Paris' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
        required: ['city'],
        additionalProperties: false,
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'search_docs',
      description: "Searches the team's internal documentation and returns the best matching passages.",
      parameters: {
        type: 'object',
        properties: { query: { type: 'string' }, max_results: { type: 'integer', minimum: 1, maximum: 20 } },
        required: ['query'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'create_ticket',
      description: 'Opens a ticket in the issue tracker.',
      parameters: {
        type: 'object',
        properties: {
          title: { type: 'string' },
          body: { type: 'string' },
          priority: { type: 'string', enum: ['low', 'normal', 'high'] },
        },
        required: ['title', 'body'],
      },
    },
  },
] as const;

const userMessage = (marker: string, question: string) => `${marker}\nSIM-DELAY: ${PIECE_DELAY_MS}\n${question}`;

export interface ToolsSectionContext {
  simulator: SimulatorHandle;
  gatewayUrls: readonly string[];
  apiKey: string;
  model: string;
  /** Until the account is idle (as before every measured chat of the benchmark). */
  idle: () => Promise<void>;
  requests: number;
  progress: (message: string) => void;
}

interface Measured {
  result: GatewayChatResult;
  /** Per character of the answer, how far the client was behind the simulator. */
  lag: LagProfile;
  upstream: StreamTimeline | undefined;
  /** The prompt text the simulator answered. */
  promptChars: number;
}

export interface ToolsSectionResult {
  requests: number;
  plain: Measured[];
  withTools: Measured[];
  call: Measured;
  pieces: number;
}

/** Runs the section: a warm-up call per process, then the interleaved pairs, then one call. */
export async function runToolsSection(context: ToolsSectionContext): Promise<ToolsSectionResult> {
  const { simulator, gatewayUrls, apiKey, model, idle } = context;
  simulator.setScriptedReplies([
    { match: PROSE_MARKER, reply: PROSE },
    { match: CALL_MARKER, reply: CALL_REPLY },
  ]);
  const proseMessages = [{ role: 'user', content: userMessage(PROSE_MARKER, 'How should we migrate the reporting service?') }];
  const callMessages = [{ role: 'user', content: userMessage(CALL_MARKER, 'What is the weather in Paris right now?') }];
  const plainBody = { model, messages: proseMessages };
  const toolsBody = { model, messages: proseMessages, tools: TOOLS, tool_choice: 'auto' };
  const callBody = { model, messages: callMessages, tools: TOOLS, tool_choice: 'auto' };

  const measure = async (url: string, body: typeof plainBody, expected: { content: string; finish: 'stop' | 'tool_calls' }): Promise<Measured> => {
    let result = await gatewayChat(url, apiKey, body, { expectFinish: expected.finish });
    // Text before a call may lose its trailing whitespace; prose must arrive exactly.
    const same = expected.finish === 'stop' ? result.content === expected.content : result.content.trim() === expected.content.trim();
    if (result.ok && !same) result = { ...result, ok: false, failure: 'answer differs from the scripted reply' };
    const state = simulator.state();
    const upstream = state.recentStreams.at(-1);
    const lag = upstream === undefined ? { ms: [], chars: [] } : lagProfile({ at: upstream.sentAt, chars: upstream.sentChars }, result.arrivals);
    await idle();
    return { result, lag, upstream, promptChars: state.recentPrompts.at(-1)?.length ?? Number.NaN };
  };
  const prose = { content: PROSE, finish: 'stop' } as const;
  const call = { content: CALL_PROSE, finish: 'tool_calls' } as const;

  context.progress(`tools: warming up (1 chat with a tool call per process)`);
  await idle();
  for (const url of gatewayUrls) {
    const warm = await measure(url, callBody, call);
    if (!warm.result.ok) throw new Error(`tools warm-up chat failed: ${warm.result.failure}`);
  }
  context.progress(`tools: ${context.requests} chats without and ${context.requests} with tools, interleaved; then 1 with a call`);
  const plain: Measured[] = [];
  const withTools: Measured[] = [];
  for (let index = 0; index < context.requests; index += 1) {
    const url = gatewayUrls[index % gatewayUrls.length]!;
    plain.push(await measure(url, plainBody, prose));
    withTools.push(await measure(url, toolsBody, prose));
  }
  const callRun = await measure(gatewayUrls[context.requests % gatewayUrls.length]!, callBody, call);
  return { requests: context.requests, plain, withTools, call: callRun, pieces: plain[0]?.upstream?.sentChars.length ?? 0 };
}

/** The section's lines, in the report's table style. */
export function reportToolsSection(section: ToolsSectionResult): string[] {
  const ok = (runs: readonly Measured[]) => runs.filter((run) => run.result.ok);
  const ttft = (runs: readonly Measured[]) => ok(runs).map((run) => run.result.ttftMs);
  const failures = (runs: readonly Measured[]) => String(runs.length - ok(runs).length);
  const count = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} chars` : '–');
  const signedCount = (value: number) => (Number.isFinite(value) ? `${value >= 0 ? '+' : ''}${Math.round(value)} chars` : '–');
  /** The worst character of a profile: `22 chars / 12 ms`. */
  const worst = (profile: LagProfile, signed = false) =>
    `${(signed ? signedCount : count)(peak(profile.chars).value)} / ${(signed ? signedMs : ms)(peak(profile.ms).value)}`;
  /** The worst character of any one stream. */
  const worstOfAny = (runs: readonly Measured[]) => {
    const peaks = ok(runs).map((run) => ({ chars: peak(run.lag.chars).value, ms: peak(run.lag.ms).value }));
    return `${count(Math.max(...peaks.map((one) => one.chars)))} / ${ms(Math.max(...peaks.map((one) => one.ms)))}`;
  };
  const { plain, withTools } = section;
  const typicalPlain = medianProfile(ok(plain).map((run) => run.lag));
  const typicalTools = medianProfile(ok(withTools).map((run) => run.lag));
  const added = subtractProfile(typicalTools, typicalPlain);
  const row = (label: string, runs: readonly Measured[], typical: LagProfile) => [
    label,
    ms(median(ttft(runs))),
    ms(p95(ttft(runs))),
    worst(typical),
    worstOfAny(runs),
    failures(runs),
  ];

  const lines: string[] = [];
  const promptAdded = median(ok(withTools).map((run) => run.promptChars)) - median(ok(plain).map((run) => run.promptChars));
  lines.push(`4. Tools in the request (${section.requests} streaming requests each, interleaved; account idle ≥ gap + allowance before each)`);
  lines.push(
    `  the same scripted reply for both: ${PROSE.length} characters of prose in ${section.pieces} pieces ${PIECE_DELAY_MS} ms apart, no call;` +
      ` with tools: ${TOOLS.length} functions, tool_choice auto (the upstream prompt ${promptAdded} characters longer)`,
  );
  lines.push(
    table(
      ['', 'TTFT median', 'TTFT p95', 'behind upstream, worst character', 'worst in any one stream', 'failures'],
      [
        row('without tools', plain, typicalPlain),
        row(`with ${TOOLS.length} tools`, withTools, typicalTools),
        ['what tools add', signedMs(median(ttft(withTools)) - median(ttft(plain))), signedMs(p95(ttft(withTools)) - p95(ttft(plain))), worst(added, true), '', ''],
      ],
    ),
  );
  lines.push("  behind upstream: per character, the simulator's write → the client's receipt, and what was written but not received; its median over streams, worst character.");
  const peakAdded = peak(added.ms).at;
  const falseStart = PROSE.indexOf(FALSE_START);
  const inFalseStart = peakAdded >= falseStart && peakAdded < falseStart + FALSE_START.length;
  lines.push(
    `  "what tools add": the worst per-character difference; the most added wait is at character ${peakAdded}, ${inFalseStart ? 'inside' : 'outside'} ${FALSE_START}` +
      ` (another trigger: it reads as the opening tag until its "d", ${FALSE_START.indexOf('d')} characters).`,
    `  The detector holds at most ${maxHeldBack(BENCH_TOOL_TRIGGER)} characters (${openingTag(BENCH_TOOL_TRIGGER)} less one); the ms scale with the upstream's pace (${PIECE_DELAY_MS} ms a piece here), the characters do not.`,
  );
  const callRun = section.call;
  const blockEnd = CALL_REPLY.indexOf(TOOL_CALLS_CLOSING_TAG) + TOOL_CALLS_CLOSING_TAG.length;
  const upstreamBlockEnd = callRun.upstream === undefined ? Number.NaN : reachedAt({ at: callRun.upstream.sentAt, chars: callRun.upstream.sentChars }, blockEnd);
  const callArrival = callRun.result.startedAt + callRun.result.toolCallMs;
  lines.push(
    `  A reply that makes a call (${CALL_PROSE.trim().length} characters of prose, then a block calling ${callRun.result.toolCalls.join(', ') || 'nothing'}): request → first tool_calls delta ${ms(callRun.result.toolCallMs)}` +
      ` (first text token ${ms(callRun.result.ttftMs)}),`,
    `  ${ms(callArrival - upstreamBlockEnd)} after the simulator wrote ${TOOL_CALLS_CLOSING_TAG}; finish_reason ${callRun.result.finishReason ?? 'missing'}` +
      (callRun.result.finishReason === 'tool_calls' ? ' (as expected)' : ' (expected tool_calls)') +
      (callRun.result.ok ? '.' : `; failed: ${callRun.result.failure}.`),
  );
  const firstFailure = [...plain, ...withTools].find((run) => !run.result.ok);
  if (firstFailure) lines.push(`  first failure: ${firstFailure.result.failure}`);
  return lines;
}
