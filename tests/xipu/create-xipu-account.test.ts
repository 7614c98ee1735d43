import { describe, expect, it } from 'vitest';
import { parseConfig, type GatewayConfig } from '@/lib/config/env';
import { createMemoryStore } from '@/lib/store/memory-store';
import { xipuAccountSettings, type XipuAccountSettings } from '@/lib/xipu/account/account-settings';
import { readLoginState, saveCredentials, describeCredentials } from '@/lib/xipu/credentials/credential-records';
import { startLogin } from '@/lib/xipu/credentials/start-login';
import { createXipuAccount } from '@/lib/xipu/create-xipu-account';

function config(): GatewayConfig {
  const parsed = parseConfig({ JM_TOKEN: 'token', SDP_SESSION: 'session', UPSTREAM_MIN_GAP_MS: '1000' });
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.config;
}

describe('createXipuAccount', () => {
  const base = xipuAccountSettings(config())[0]!;
  const settings = (id: string): XipuAccountSettings => ({ ...base, id });

  it('makes one default account from the single-account variables', () => {
    expect(xipuAccountSettings(config()).map((account) => account.id)).toEqual(['default']);
  });

  it("keeps each account's schedule, login lock and records apart", async () => {
    const store = createMemoryStore({ now: () => 1_000_000 });
    const now = () => 1_000_000;
    const first = createXipuAccount(settings('default'), { store, now });
    const second = createXipuAccount(settings('lab-2'), { store, now });

    // A turn on the first account's schedule does not delay the second's.
    await first.pacer.waitForTurn('saveSession');
    expect((await first.pacer.earliestStart()).waitMs).toBeGreaterThan(0);
    expect((await second.pacer.earliestStart()).waitMs).toBe(0);

    // One account logging in does not stop the other from logging in.
    expect((await startLogin({ account: first, now })).status).toBe('started');
    expect((await startLogin({ account: first, now })).status).toBe('in-progress');
    expect((await startLogin({ account: second, now })).status).toBe('started');

    // Credentials saved for one are not the other's.
    await saveCredentials(second, describeCredentials({ jmToken: 'other', sdpSession: 's' }, 'manual', now()));
    expect((await second.credentials.current({ defer: () => undefined })).jmToken).toBe('other');
    expect((await first.credentials.current({ defer: () => undefined })).jmToken).toBe('token');
    expect(await readLoginState(first)).toBeUndefined();
  });
});
