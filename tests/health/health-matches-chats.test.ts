import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecentRequests } from '@/lib/metrics/read-recent-requests';
import type { Fault } from '@/simulator/faults';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { dataOf, readSse } from '../support/read-sse';
import { startGatewayHarness } from '../support/gateway-harness';

/**
 * The point of the health route: it says ok exactly when a real chat succeeds. For each fault
 * the simulator can inject (and none), one real chat runs through the gateway, then GET
 * /api/health answers from what was recorded — `ok` (200) when that chat succeeded, `down`
 * (503) when it failed. A content-filter answer is a success of the service.
 */
interface Row {
  name: string;
  faults: Fault[];
  environment?: Record<string, string>;
  /** What the chat does with this fault (the row documents it; the test checks it). */
  chat: 'succeeds' | 'fails';
  /** How the recorded chat ended: its finish reason, or its error code. */
  recorded: { finishReason: string } | { error: string };
}

const ROWS: Row[] = [
  { name: 'no fault', faults: [], chat: 'succeeds', recorded: { finishReason: 'stop' } },
  { name: '429 ×3 on saveSession (past the retries)', faults: [{ endpoint: 'saveSession', kind: 'status', status: 429, times: 3 }], chat: 'fails', recorded: { error: 'upstream_rate_limited' } },
  { name: '429 ×2 on saveSession (within the retries)', faults: [{ endpoint: 'saveSession', kind: 'status', status: 429, times: 2 }], chat: 'succeeds', recorded: { finishReason: 'stop' } },
  { name: '403 on completions (token rejected, no login)', faults: [{ endpoint: 'completions', kind: 'status', status: 403 }], chat: 'fails', recorded: { error: 'upstream_login_expired' } },
  { name: '500 "token error" on completions', faults: [{ endpoint: 'completions', kind: 'status', status: 500 }], chat: 'fails', recorded: { error: 'upstream_login_expired' } },
  { name: 'drop mid-stream', faults: [{ endpoint: 'completions', kind: 'drop-mid-stream', afterPieces: 2 }], chat: 'fails', recorded: { error: 'upstream_stream_interrupted' } },
  {
    name: 'stall before headers past the first-byte timeout',
    faults: [{ endpoint: 'completions', kind: 'stall-before-headers', ms: 1_600 }],
    environment: { UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1000' },
    chat: 'fails',
    recorded: { error: 'upstream_timeout' },
  },
  { name: 'empty stream (banned word: content filter)', faults: [{ endpoint: 'completions', kind: 'empty-stream' }], chat: 'succeeds', recorded: { finishReason: 'content_filter' } },
  { name: 'canned refusal (content filter)', faults: [{ endpoint: 'completions', kind: 'canned-refusal' }], chat: 'succeeds', recorded: { finishReason: 'content_filter' } },
  { name: '"Request Err!" (content filter)', faults: [{ endpoint: 'completions', kind: 'request-err' }], chat: 'succeeds', recorded: { finishReason: 'content_filter' } },
  { name: 'expired tokens', faults: [{ kind: 'expire-tokens' }], chat: 'fails', recorded: { error: 'upstream_login_expired' } },
];

/** Reads the whole answer: true when it delivered a finish reason and no error. */
async function chatSucceeded(response: Response, stream: boolean): Promise<boolean> {
  if (response.status !== 200) {
    await response.body?.cancel();
    return false;
  }
  if (!stream) return typeof (await response.json()).choices?.[0]?.finish_reason === 'string';
  const events = await readSse(response);
  const chunks = dataOf(events);
  return chunks.every((chunk) => !chunk.error) && chunks.some((chunk) => chunk.choices?.[0]?.finish_reason) && events.at(-1)?.kind === 'done';
}

describe.each([true, false])('health after one chat (stream: %s)', (stream) => {
  let simulator: SimulatorHandle;
  beforeAll(async () => {
    simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1 });
  });
  afterAll(async () => {
    await simulator.close();
  });

  it.each(ROWS)('$name: the chat $chat, health agrees', async (row) => {
    simulator.reset();
    const gateway = await startGatewayHarness({ existingSimulator: simulator, environment: row.environment });
    simulator.injectFaults(...row.faults);
    const response = await gateway.chat({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'SIM-LONG: 30' }], stream });
    const succeeded = await chatSucceeded(response, stream);
    await gateway.settle();
    expect(succeeded ? 'succeeds' : 'fails').toBe(row.chat);
    expect(await readRecentRequests(gateway.store, 10)).toEqual([expect.objectContaining(row.recorded)]);

    const health = await gateway.health();
    const { status } = await health.json();
    expect(status).toBe(succeeded ? 'ok' : 'down');
    expect(health.status).toBe(succeeded ? 200 : 503);
    await gateway.close();
  });
});
