import { afterEach, describe, expect, it } from 'vitest';
import { createHealthRoutes } from '@/lib/handlers/health';
import { readRecentRequests } from '@/lib/metrics/read-recent-requests';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { startGatewayHarness, type GatewayHarness } from '../support/gateway-harness';

/**
 * Several XIPU accounts (XIPU_ACCOUNTS) in one process on the simulator: routing by the
 * account that can start soonest, skipping one that cannot serve, failover before the first
 * byte, and what health says.
 */
let gateway: GatewayHarness | undefined;
let foreign: SimulatorHandle | undefined;
afterEach(async () => {
  await gateway?.close();
  await foreign?.close();
  gateway = undefined;
  foreign = undefined;
});

type Pair = { jmToken: string; sdpSession: string };
async function withAccounts(accounts: (simulator: SimulatorHandle) => Promise<Array<{ id: string } & Pair>>): Promise<GatewayHarness> {
  // The gateway spaces calls 50 ms + 40 ms apart; a 20 ms floor leaves room for a loaded machine's jitter.
  const simulator = await startSimulator({ minGapMs: 20, chunkDelayMs: 1 });
  const entries = (await accounts(simulator)).map(({ id, jmToken, sdpSession }) => ({ id, jmToken, sdpSession }));
  gateway = await startGatewayHarness({ existingSimulator: simulator, environment: { XIPU_ACCOUNTS: JSON.stringify(entries) } });
  const close = gateway.close;
  gateway.close = async () => {
    await close();
    await simulator.close();
  };
  return gateway;
}

const chat = async (harness: GatewayHarness, text: string) => {
  const response = await harness.chat({ model: 'gpt-4.1', messages: [{ role: 'user', content: `SIM-REPLY: ${text}` }] });
  const body = (await response.json()) as { choices?: Array<{ message: { content: string } }>; error?: { code: string } };
  return { status: response.status, content: body.choices?.[0]?.message.content, error: body.error?.code };
};
/** GET /api/health as a signed-in admin sees it: the status, the checks and each account's. */
type AdminHealth = { status: string; checks: Array<{ id: string; level: string }>; accounts: Array<{ id: string; status: string }> };
const adminHealth = async (harness: GatewayHarness): Promise<AdminHealth> =>
  (await (await createHealthRoutes({ cacheMs: 0, isAdmin: async () => true }, harness.routeOptions).GET(new Request('http://gateway.test/api/health'))).json()) as AdminHealth;
/** Which account each recorded chat went to, oldest first. */
const routedTo = async (harness: GatewayHarness) => (await readRecentRequests(harness.store, 50)).map((record) => record.upstream).reverse();

describe('several XIPU accounts', () => {
  it('spreads concurrent chats over both accounts: each goes to the one whose schedule starts soonest', async () => {
    const harness = await withAccounts(async (simulator) => [
      { id: 'one', ...simulator.mintCredentials({ account: 'student-one' }) },
      { id: 'two', ...simulator.mintCredentials({ account: 'student-two' }) },
    ]);
    const results = await Promise.all(Array.from({ length: 6 }, (_, index) => chat(harness, `answer ${index}`)));
    await harness.settle();
    expect(results.map((result) => result.status)).toEqual(Array(6).fill(200));
    expect(results.map((result) => result.content)).toEqual(Array.from({ length: 6 }, (_, index) => `answer ${index}`));
    const upstreams = await routedTo(harness);
    expect(upstreams.filter((id) => id === 'xipu:one').length).toBeGreaterThanOrEqual(2);
    expect(upstreams.filter((id) => id === 'xipu:two').length).toBeGreaterThanOrEqual(2);
    expect(harness.simulator.state().rateLimited).toBe(0);
  });

  it('skips an account that cannot serve (expired, no login) and serves every chat from the other', async () => {
    const harness = await withAccounts(async (simulator) => [
      { id: 'expired', ...simulator.mintCredentials({ account: 'student-one', lifetimeSeconds: 0 }) },
      { id: 'fine', ...simulator.mintCredentials({ account: 'student-two' }) },
    ]);
    for (let index = 0; index < 3; index += 1) expect((await chat(harness, `hello ${index}`)).status).toBe(200);
    await harness.settle();
    expect(await routedTo(harness)).toEqual(['xipu:fine', 'xipu:fine', 'xipu:fine']);

    expect(((await (await harness.health()).json()) as { status: string }).status).toBe('degraded');
    const health = await adminHealth(harness);
    expect(health.status).toBe('degraded');
    expect(Object.fromEntries(health.accounts.map((account) => [account.id, account.status]))).toEqual({ expired: 'down', fine: 'ok' });
  });

  it('fails over before the first byte when an account\'s token is refused', async () => {
    foreign = await startSimulator({ minGapMs: 40 });
    const refused = foreign.mintCredentials({ account: 'student-one' }); // signed by another issuer: XIPU refuses it
    const harness = await withAccounts(async (simulator) => [
      { id: 'refused', ...refused },
      { id: 'good', ...simulator.mintCredentials({ account: 'student-two' }) },
    ]);
    // Both look ready (valid-looking tokens); the refused one is tried first when it comes first.
    const results = [];
    for (let index = 0; index < 3; index += 1) results.push(await chat(harness, `served ${index}`));
    await harness.settle();
    expect(results.map((result) => [result.status, result.content])).toEqual([
      [200, 'served 0'],
      [200, 'served 1'],
      [200, 'served 2'],
    ]);
    expect((await routedTo(harness)).every((id) => id === 'xipu:good')).toBe(true);
  });

  it('skips an account at XIPU\'s session cap: the refusal fails over once, later chats go straight to the other', async () => {
    const harness = await withAccounts(async (simulator) => [
      { id: 'full', ...simulator.mintCredentials({ account: 'student-one' }) },
      { id: 'roomy', ...simulator.mintCredentials({ account: 'student-two' }) },
    ]);
    // The owner's browser filled student-one's 50 sessions: nothing of ours to sweep.
    expect(harness.simulator.createBrowserSessions({ count: 50, account: 'student-one' })).toHaveLength(50);
    const results = [];
    for (let index = 0; index < 4; index += 1) results.push(await chat(harness, `room ${index}`));
    await harness.settle();
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200]);
    expect((await routedTo(harness)).every((id) => id === 'xipu:roomy')).toBe(true);
    // At most one chat tried the full account (then failed over); the others skipped it.
    expect(harness.simulator.state().calls.saveSession).toBeLessThanOrEqual(5);
    const [full] = (await adminHealth(harness)).accounts.filter((account) => account.id === 'full');
    expect(full).toBeDefined();
  });

  it('says down when no account can serve', async () => {
    const harness = await withAccounts(async (simulator) => [
      { id: 'gone-one', ...simulator.mintCredentials({ account: 'student-one', lifetimeSeconds: 0 }) },
      { id: 'gone-two', ...simulator.mintCredentials({ account: 'student-two', lifetimeSeconds: 0 }) },
    ]);
    expect((await harness.health()).status).toBe(503);
    const health = await adminHealth(harness);
    expect(health.status).toBe('down');
    expect(health.checks.find((check) => check.id === 'credentials')?.level).toBe('red');
    const refused = await chat(harness, 'nobody');
    expect(refused.status).toBe(503);
    expect(harness.simulator.state().calls.saveSession).toBe(0);
  });
});
