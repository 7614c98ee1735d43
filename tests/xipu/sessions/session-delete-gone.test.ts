import { afterEach, describe, expect, it } from 'vitest';
import { storeKeys } from '@/lib/store/keys';
import { readUntilFirstContent } from '@/tests/support/read-sse';
import { startGatewayHarness, type GatewayHarness } from '@/tests/support/gateway-harness';
import { DEFAULT_ACCOUNT_ID, xipuAccountKeys } from '@/lib/xipu/account/account-keys';

const DEFAULT_KEYS = xipuAccountKeys(DEFAULT_ACCOUNT_ID);

let gateway: GatewayHarness;
afterEach(async () => {
  await gateway?.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a request's own session delete", () => {
  it('forgets a session XIPU says no longer exists (the owner deleted it mid-answer) instead of leaving it to the sweep', async () => {
    gateway = await startGatewayHarness({ simulator: { delSessionUnknownIds: 'refuse' } });
    const response = await gateway.chat({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'SIM-DELAY: 20\nSIM-LONG: 40' }], stream: true });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    await readUntilFirstContent(reader);

    // The owner deletes the chat in the web history while it still streams.
    const [session] = gateway.simulator.state().sessions;
    const { jmToken, sdpSession } = gateway.config.xipu.manualCredentials!;
    const gapMs = gateway.config.pacer.gapMs + gateway.config.pacer.allowanceMs;
    await pause(gapMs);
    const ownerDelete = await fetch(`${gateway.simulator.apiBase}/delSession?sf_request_type=ajax`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'jm-token': jmToken, 'sdp-app-session': sdpSession },
      body: JSON.stringify({ ids: [session!.id] }),
    });
    expect(await ownerDelete.json()).toEqual({ code: 0, msg: 'success' });

    while (!(await reader.read()).done) {
      // read the answer to its end
    }
    await pause(gapMs);
    await gateway.settle();

    const state = gateway.simulator.state();
    expect(state.delSessionBatches.idsPerCall).toEqual([1, 1]); // the owner's, then the gateway's (refused: Session not found)
    expect(state.rateLimited).toBe(0);
    expect(await gateway.store.hashGetAll(DEFAULT_KEYS.upstreamSessions)).toEqual({});
  });
});
