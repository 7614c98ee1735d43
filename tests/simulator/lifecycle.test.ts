import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { callApi, createSession, readLines, readStream, waitUntil, type Credentials } from './simulator-client';

/** Reads lines until `count` answer pieces arrived; the body stays open. */
async function readPieces(lines: AsyncGenerator<{ line: string }>, count: number): Promise<void> {
  let pieces = 0;
  while (pieces < count) {
    const next = await lines.next();
    if (next.done === true) throw new Error('stream ended early');
    if (next.value.line.startsWith('data:{"data":"')) pieces += 1;
  }
}

describe('streams and shutdown', () => {
  let simulator: SimulatorHandle;
  let credentials: Credentials;
  afterEach(async () => {
    await simulator?.close();
  });
  const start = async () => {
    simulator = await startSimulator({ minGapMs: 0, chunkDelayMs: 1 });
    credentials = simulator.mintCredentials();
  };

  it('stops streaming when the client leaves and counts the aborted stream', async () => {
    await start();
    const sessionId = await createSession(simulator, credentials);
    const controller = new AbortController();
    const response = await callApi(simulator, 'completions', { text: 'SIM-LONG: 5000', sessionId }, credentials, { signal: controller.signal });
    await readPieces(readLines(response), 5);
    expect(simulator.state().openStreams).toBe(1);
    controller.abort();
    await waitUntil(() => simulator.state().openStreams === 0);
    expect(simulator.state()).toMatchObject({ abortedStreams: 1, completedStreams: 0, droppedStreams: 0, callsInFlight: 0 });
    // The turn was recorded when the stream started.
    expect(simulator.state().sessions[0]?.turns).toBe(1);
  });

  it('tracks concurrent streams across accounts', async () => {
    await start();
    const accounts = ['a', 'b', 'c'].map((account) => simulator.mintCredentials({ account }));
    const sessions = await Promise.all(accounts.map((account) => createSession(simulator, account)));
    const controllers = accounts.map(() => new AbortController());
    const responses = await Promise.all(
      accounts.map((account, index) =>
        callApi(simulator, 'completions', { text: 'SIM-LONG: 5000', sessionId: sessions[index] }, account, { signal: controllers[index]?.signal }),
      ),
    );
    await Promise.all(responses.map((response) => readPieces(readLines(response), 2)));
    expect(simulator.state()).toMatchObject({ openStreams: 3, maxConcurrentStreams: 3 });
    for (const controller of controllers) controller.abort();
    await waitUntil(() => simulator.state().openStreams === 0);
    expect(simulator.state()).toMatchObject({ maxConcurrentStreams: 3, abortedStreams: 3 });
  });

  it('counts a stream read to its end as completed', async () => {
    await start();
    const sessionId = await createSession(simulator, credentials);
    await readStream(await callApi(simulator, 'completions', { text: 'hello', sessionId }, credentials));
    await waitUntil(() => simulator.state().openStreams === 0);
    expect(simulator.state()).toMatchObject({ completedStreams: 1, abortedStreams: 0, maxConcurrentStreams: 1 });
  });

  it('close() ends open streams and stalls, and the server stops listening', async () => {
    await start();
    const sessionId = await createSession(simulator, credentials);
    const response = await callApi(simulator, 'completions', { text: 'SIM-DELAY: 50\nSIM-LONG: 5000', sessionId }, credentials);
    const lines = readLines(response);
    await readPieces(lines, 2);
    simulator.injectFaults({ endpoint: 'completions', kind: 'stall-before-headers', ms: 60_000 });
    const stalled = callApi(simulator, 'completions', { text: 'hi', sessionId }, credentials).then(
      () => 'answered',
      () => 'failed',
    );
    await waitUntil(() => simulator.state().callsInFlight === 1);

    const closedAt = performance.now();
    await simulator.close();
    expect(performance.now() - closedAt).toBeLessThan(1_000);
    await expect(readPieces(lines, Number.POSITIVE_INFINITY)).rejects.toThrow(/terminated/);
    expect(await stalled).toBe('failed');
    expect(simulator.state().openStreams).toBe(0);
    await expect(fetch(`${simulator.url}/__sim/state`)).rejects.toThrow();
    await simulator.close();
  });
});
