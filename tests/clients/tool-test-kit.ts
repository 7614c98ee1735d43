import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { simulatedUpstreamEnvironment, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

/** The trigger the tests pin (`TOOL_CALL_TRIGGER`; also its default) — docs/tool-calls.md "The text format". */
export const TOOL_CALL_TRIGGER = 'xg7';

/** One call as the simulated model writes it. */
export interface ScriptedCall {
  name: string;
  arguments: Record<string, unknown>;
}

/**
 * The text a model writes to call tools, in the format the gateway's instructions ask for
 * (docs/tool-calls.md "The text format"): one `<tool_calls>` block with one `<invoke>` per
 * call, its body the arguments' JSON. `before` is the prose ahead of it, `after` what a model
 * might invent after it (which must never reach the client).
 */
export function toolCallText(calls: readonly ScriptedCall[], options: { before?: string; after?: string } = {}): string {
  const invokes = calls.map((call) => `<invoke name="${call.name}">\n${JSON.stringify(call.arguments)}\n</invoke>`);
  const block = [`<tool_calls trigger="${TOOL_CALL_TRIGGER}">`, ...invokes, '</tool_calls>'].join('\n');
  return `${options.before ?? ''}${block}${options.after ?? ''}`;
}

export interface SimulatedGateway {
  simulator: SimulatorHandle;
  gateway: GatewayProcess;
  /** `${gateway.url}/v1`. */
  baseUrl: string;
  /** Resolves once every upstream session is deleted; throws after 10 s. */
  noSessionsLeft(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A built gateway (`next start`) in front of a fresh simulator, with the trigger pinned and a
 * rate limit no test reaches. Needs `next build` first (scripts/test.sh does it).
 */
export async function startSimulatedGateway(apiKey: string): Promise<SimulatedGateway> {
  const simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1 });
  let gateway: GatewayProcess;
  try {
    gateway = await startGatewayProcess(
      simulatedUpstreamEnvironment(simulator, { API_KEYS: `tester:${apiKey}`, RATE_LIMIT_RPM: '1000', TOOL_CALL_TRIGGER }),
    );
  } catch (error) {
    await simulator.close();
    throw error;
  }
  return {
    simulator,
    gateway,
    baseUrl: `${gateway.url}/v1`,
    async noSessionsLeft() {
      const deadline = Date.now() + 10_000;
      while (simulator.state().sessionsOpen > 0) {
        if (Date.now() > deadline) throw new Error(`sessions left on the simulator: ${simulator.state().sessionsOpen}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      await gateway.stop();
      await simulator.close();
    },
  };
}

/** The calls of one streamed answer, put together from its `tool_calls` deltas by `index`. */
export interface StreamedCall {
  index: number;
  id: string;
  type: string;
  name: string;
  arguments: string;
  /** Deltas of this call after the first. */
  continuations: Array<Record<string, unknown>>;
}

/**
 * Assembles the `tool_calls` deltas of chat chunks as a strict client would: the first delta
 * of an index must carry `id`, `type` and `function.name`; later ones only argument text.
 *
 * @throws Error when a first delta lacks them or a continuation carries an id.
 */
export function assembleStreamedCalls(chunks: readonly any[]): StreamedCall[] {
  const calls = new Map<number, StreamedCall>();
  for (const chunk of chunks) {
    for (const delta of chunk.choices?.[0]?.delta?.tool_calls ?? []) {
      if (typeof delta.index !== 'number') throw new Error(`a tool-call delta without a numeric index: ${JSON.stringify(delta)}`);
      const known = calls.get(delta.index);
      if (known === undefined) {
        if (typeof delta.id !== 'string' || delta.type !== 'function' || typeof delta.function?.name !== 'string') {
          throw new Error(`the first delta of call ${delta.index} lacks id, type or name: ${JSON.stringify(delta)}`);
        }
        calls.set(delta.index, { index: delta.index, id: delta.id, type: delta.type, name: delta.function.name, arguments: delta.function.arguments ?? '', continuations: [] });
        continue;
      }
      if (delta.id !== undefined) throw new Error(`a continuation delta of call ${delta.index} carries an id: ${JSON.stringify(delta)}`);
      known.arguments += delta.function?.arguments ?? '';
      known.continuations.push(delta);
    }
  }
  return [...calls.values()].sort((left, right) => left.index - right.index);
}

/** OpenAI's call ids: `call_` and 24 letters and digits (docs/tool-calls.md "Parsing"). */
export const CALL_ID = /^call_[A-Za-z0-9]{24}$/;
