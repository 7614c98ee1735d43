import { describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNT_ID, xipuAccountKeys, type XipuAccountKeys } from '@/lib/xipu/account/account-keys';

/** Every key of an account, with the per-token keys at a sample fingerprint. */
function allKeys(keys: XipuAccountKeys): string[] {
  return Object.values(keys).map((key: string | ((fingerprint: string) => string)) => (typeof key === 'function' ? key('0123abcd') : key));
}

describe('xipuAccountKeys', () => {
  it("keeps the single-account gateway's keys for the default account, so an upgrade keeps its login, heartbeat and sessions", () => {
    // The literal keys a deployed gateway has in its Upstash database today.
    expect(xipuAccountKeys(DEFAULT_ACCOUNT_ID)).toMatchObject({
      pacerSchedule: 'xipu-gw:pacer',
      upstreamSessions: 'xipu-gw:sessions',
      sessionPoolStats: 'xipu-gw:session-pool:stats',
      sessionDeleteLock: 'xipu-gw:sessions:delete-lock',
      credentials: 'xipu-gw:credentials',
      heartbeatSessionId: 'xipu-gw:heartbeat-session',
      heartbeatLock: 'xipu-gw:heartbeat-lock',
      heartbeatState: 'xipu-gw:heartbeat-state',
      loginLock: 'xipu-gw:login:lock',
      loginState: 'xipu-gw:login:state',
      loginScreenshot: 'xipu-gw:login:screenshot',
      loginProgress: 'xipu-gw:login:progress',
      refreshRequested: 'xipu-gw:login:refresh-requested',
      keepaliveLastRun: 'xipu-gw:keepalive:last-run',
      sweepLastRun: 'xipu-gw:sweep:last-run',
    });
    const keys = xipuAccountKeys(DEFAULT_ACCOUNT_ID);
    expect(keys.credentialsServed('ab12')).toBe('xipu-gw:credentials:served:ab12');
    expect(keys.credentialsRejected('ab12')).toBe('xipu-gw:credentials:rejected:ab12');
  });

  it("gives every other account keys of its own, none shared with the default account's or another's", () => {
    const first = allKeys(xipuAccountKeys(DEFAULT_ACCOUNT_ID));
    const second = allKeys(xipuAccountKeys('lab-2'));
    const third = allKeys(xipuAccountKeys('lab-3'));
    expect(second.every((key) => key.startsWith('xipu-gw:account:lab-2:'))).toBe(true);
    const everyKey = [...first, ...second, ...third];
    expect(new Set(everyKey).size).toBe(everyKey.length);
  });

  it.each(['', 'Lab', 'a:b', 'a b', '-lead', 'x'.repeat(33)])('refuses the account id %j (it would be ambiguous in a key)', (id) => {
    expect(() => xipuAccountKeys(id)).toThrow(/not an account id/);
  });
});
