import type { XipuCredentials } from './xipu-api';

/**
 * A XIPU credential pair as the store keeps it: where it came from and the times read from
 * its token. Read and written by lib/xipu/credentials/credential-records.ts.
 */

export type CredentialOrigin = 'env' | 'login' | 'manual' | 'demo';

export interface StoredCredentials extends XipuCredentials {
  origin: CredentialOrigin;
  /** Epoch ms from the JWT, when it is one. */
  issuedAt?: number;
  expiresAt?: number;
  /** When this pair was obtained or pasted (epoch ms). */
  obtainedAt?: number;
}
