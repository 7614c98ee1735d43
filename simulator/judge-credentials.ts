import type { CredentialCheck } from '@/simulator/credential-issuer';
import type { SimulatorProfile } from '@/simulator/simulator-options';
import { upstreamMessages } from '@/simulator/upstream-messages';

export type CredentialVerdict =
  | { accepted: true; account: string }
  | { accepted: false; status: number; body: { code: number; msg: string } };

/**
 * How the API answers a call's credentials — docs/xipu-protocol §5: expired → 403 `token
 * expired`; an sdp-app-session dead of idleness → 403 `session expired`; missing, forged or
 * with the wrong `sdp-app-session` → 403 `token invalid`, except that the strict profile
 * answers a missing or forged token with 500 `token error`.
 */
export function judgeCredentials(check: CredentialCheck, profile: SimulatorProfile): CredentialVerdict {
  switch (check.status) {
    case 'valid':
      return { accepted: true, account: check.account };
    case 'expired':
      return reject(403, upstreamMessages.tokenExpired);
    case 'session-expired':
      return reject(403, upstreamMessages.sessionExpired);
    case 'invalid':
      return profile === 'strict' && check.reason !== 'wrong-session'
        ? reject(500, upstreamMessages.tokenError)
        : reject(403, upstreamMessages.tokenInvalid);
  }
}

function reject(status: number, msg: string): CredentialVerdict {
  return { accepted: false, status, body: { code: status, msg } };
}
