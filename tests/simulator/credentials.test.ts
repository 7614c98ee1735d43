import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle, type SimulatorProfile } from '@/simulator/start-simulator';
import { callApi, createManualClock, sessionSettings, type Credentials } from './simulator-client';

const EXPIRED = { code: 403, msg: 'token expired' };
const INVALID = { code: 403, msg: 'token invalid' };
const TOKEN_ERROR = { code: 500, msg: 'token error' };

/** Re-encodes the token's payload with a change, keeping the original signature. */
function tamper(jmToken: string, change: Record<string, unknown>): string {
  const [header = '', payload = '', signature = ''] = jmToken.split('.');
  const claims = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object), ...change };
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

describe('credentials', () => {
  let simulator: SimulatorHandle;
  const clock = createManualClock();
  const save = (credentials: Credentials) => callApi(simulator, 'saveSession', sessionSettings(), credentials);
  afterEach(async () => {
    await simulator?.close();
  });

  it('mints an HS256 JWT with sub, iat and exp, paired with an opaque sdp session', async () => {
    simulator = await startSimulator({ minGapMs: 0, now: clock.now, tokenLifetimeSeconds: 120 });
    const minted = simulator.mintCredentials();
    expect(decodeProtectedHeader(minted.jmToken).alg).toBe('HS256');
    const claims = decodeJwt(minted.jmToken);
    expect(claims.sub).toBe('demo-student');
    expect(claims.iat).toBe(Math.floor(clock.now() / 1000));
    expect(claims.exp).toBe(minted.expiresAt);
    expect(minted.expiresAt - (claims.iat ?? 0)).toBe(120);
    expect(minted.sdpSession).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(decodeJwt(simulator.mintCredentials({ account: 'alice', lifetimeSeconds: 5 }).jmToken)).toMatchObject({ sub: 'alice' });
    expect((await save(minted)).status).toBe(200);
  });

  it.each<SimulatorProfile>(['default', 'strict'])('answers 403 token expired once exp has passed (%s profile)', async (profile) => {
    simulator = await startSimulator({ profile, minGapMs: 0, now: clock.now });
    const minted = simulator.mintCredentials({ lifetimeSeconds: 60 });
    expect((await save(minted)).status).toBe(200);
    clock.advance(60_000);
    const response = await save(minted);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual(EXPIRED);
    const alreadyExpired = await save(simulator.mintCredentials({ lifetimeSeconds: -1 }));
    expect(alreadyExpired.status).toBe(403);
  });

  it.each([
    ['default', 403, INVALID],
    ['strict', 500, TOKEN_ERROR],
  ] as const)('answers a forged, garbage or missing token with the %s profile status', async (profile, status, body) => {
    simulator = await startSimulator({ profile, minGapMs: 0 });
    const minted = simulator.mintCredentials();
    const forged = { ...minted, jmToken: tamper(minted.jmToken, { exp: minted.expiresAt + 86_400 }) };
    const garbage = { ...minted, jmToken: 'not-a-jwt' };
    const missing = { ...minted, jmToken: '' };
    for (const credentials of [forged, garbage, missing]) {
      const response = await save(credentials);
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual(body);
    }
    expect(simulator.state().sessionsCreated).toBe(0);
  });

  it.each<SimulatorProfile>(['default', 'strict'])('answers 403 for a valid token with another sdp session (%s profile)', async (profile) => {
    simulator = await startSimulator({ profile, minGapMs: 0 });
    const first = simulator.mintCredentials();
    const second = simulator.mintCredentials();
    const response = await save({ jmToken: first.jmToken, sdpSession: second.sdpSession });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual(INVALID);
  });

  it('counts a 403 arrival of a known account toward its frequency limit', async () => {
    simulator = await startSimulator({ minGapMs: 1000, now: clock.now });
    expect((await save(simulator.mintCredentials({ lifetimeSeconds: -1 }))).status).toBe(403);
    clock.advance(500);
    expect((await save(simulator.mintCredentials())).status).toBe(429);
  });

  it('expire-tokens expires every token minted so far; later tokens and a reset restore access', async () => {
    simulator = await startSimulator({ minGapMs: 0 });
    const old = simulator.mintCredentials();
    simulator.injectFaults({ kind: 'expire-tokens' });
    const refused = await save(old);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual(EXPIRED);
    expect((await save(simulator.mintCredentials())).status).toBe(200);
    simulator.reset();
    expect((await save(old)).status).toBe(200);
  });

  it("keeps accounts apart: one account cannot use or delete another's session", async () => {
    simulator = await startSimulator({ minGapMs: 0 });
    const alice = simulator.mintCredentials({ account: 'alice' });
    const bob = simulator.mintCredentials({ account: 'bob' });
    const created = (await (await save(alice)).json()) as { data: { id: number } };
    const sessionId = created.data.id;
    const completions = await callApi(simulator, 'completions', { text: 'hi', files: [], sessionId }, bob);
    expect(await completions.json()).toEqual({ code: 1, msg: 'Session not found' });
    await callApi(simulator, 'delSession', { ids: [sessionId] }, bob);
    expect(simulator.state().sessions.map((session) => session.id)).toEqual([sessionId]);
  });
});
