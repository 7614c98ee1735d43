import type { GatewayConfig } from '@/lib/config/env';
import { readStoredCredentials } from '@/lib/xipu/credentials/credential-records';
import { pickCurrentCredentials } from '@/lib/xipu/credentials/current-credentials';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import type { AccountStore } from '@/lib/xipu/account/account-store';

/**
 * The pair requests use now, as the credential manager picks it: the newer of the
 * environment's (JM_TOKEN/SDP_SESSION) and the stored one (a login or a pasted pair); in
 * demo mode the built-in simulator's. Undefined when there is none.
 */
export async function resolveCurrentCredentials(config: GatewayConfig, account: AccountStore): Promise<StoredCredentials | undefined> {
  if (config.demoMode) {
    const { startDemoUpstream } = await import('@/lib/gateway/start-demo-upstream');
    const demo = await startDemoUpstream(config);
    return demo.credentials.current({ defer: () => undefined });
  }
  return pickCurrentCredentials(config.xipu.manualCredentials, await readStoredCredentials(account));
}
