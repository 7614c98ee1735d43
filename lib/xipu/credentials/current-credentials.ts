import type { XipuCredentials } from '@/lib/xipu/api/xipu-api';
import type { StoredCredentials } from '@/lib/xipu/api/stored-credentials';
import { describeCredentials } from './credential-records';

/**
 * Which pair requests use now: the newer of the environment's (JM_TOKEN/SDP_SESSION, origin
 * `env`) and the stored one (a login or a pasted pair), by the JWT's `iat` (else `exp`, else
 * when obtained); on a tie the environment's. So a token pasted into the dashboard takes
 * effect, and an old env value never overwrites a fresher login. The stored pair is returned
 * as given (the same object) when it wins. Undefined when there is neither.
 */
export function pickCurrentCredentials(
  fromEnvironment: XipuCredentials | undefined,
  stored: StoredCredentials | undefined,
): StoredCredentials | undefined {
  const environment = fromEnvironment ? describeCredentials(fromEnvironment, 'env') : undefined;
  if (!environment || !stored) return environment ?? stored;
  return freshness(stored) > freshness(environment) ? stored : environment;
}

function freshness(credentials: StoredCredentials): number {
  return credentials.issuedAt ?? credentials.expiresAt ?? credentials.obtainedAt ?? 0;
}
