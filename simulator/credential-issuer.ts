import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** A credential pair as the browser login yields it — docs/xipu-protocol "Hosts and headers". */
export interface MintedCredentials {
  /** HS256 JWT with `sub` (the account), `iat`, `exp` and `jti`. */
  jmToken: string;
  /** Opaque string that only works together with this `jmToken`. */
  sdpSession: string;
  /** The token's `exp`, epoch seconds. */
  expiresAt: number;
}

/** What a call's credential headers amount to. `account` is known whenever the signature is ours. */
export type CredentialCheck =
  | { status: 'valid'; account: string }
  | { status: 'expired'; account: string }
  /** The token is fine but its sdp-app-session died of idleness (the `sdpSessionIdleMs` profile). */
  | { status: 'session-expired'; account: string }
  | { status: 'invalid'; account: string | null; reason: InvalidCredentialReason };

export type InvalidCredentialReason = 'missing-token' | 'malformed-token' | 'bad-signature' | 'unknown-token' | 'wrong-session';

export interface CredentialIssuer {
  mint(request: { account: string; lifetimeSeconds: number }): MintedCredentials;
  /**
   * Checks the `jm-token` and `sdp-app-session` header values. With an idle limit, a session
   * found idle for longer than it is marked dead and stays dead.
   */
  check(headers: { jmToken: string | undefined; sdpSession: string | undefined }): CredentialCheck;
  /** Records a successful use of an sdp-app-session (restarts its idle time); dead or unknown ones are ignored. */
  recordUse(sdpSession: string): void;
  /** The `expire-tokens` fault: every token minted so far is treated as expired. */
  expireAllMinted(): void;
  /** Undoes `expireAllMinted` (a reset clears faults); tokens past their `exp` stay expired. */
  clearForcedExpiry(): void;
}

const jwtHeaderSchema = z.object({ alg: z.literal('HS256') });
const jwtPayloadSchema = z.object({ sub: z.string(), iat: z.number(), exp: z.number(), jti: z.string() });

/** Bytes of the random signing secret (HS256 wants at least 32). */
const SECRET_BYTES = 32;
const JWT_HEADER = { alg: 'HS256', typ: 'JWT' } as const;

interface MintedRecord {
  sdpSession: string;
  forcedExpired: boolean;
  /** Epoch ms of the minting or the last successful call. */
  lastUsedAt: number;
  /** Found idle past the limit once: dead for good (the user must log in again). */
  idleExpired: boolean;
}

/**
 * Issues and checks simulator credentials. Tokens are standard HS256 JWTs (jose and any JWT
 * library verify them with the secret), signed here with node:crypto because minting must be
 * synchronous (`SimulatorHandle.mintCredentials`) and jose only signs asynchronously. Checking
 * is synchronous too, so the frequency limit can judge a call at its arrival.
 *
 * @param options.now clock, epoch ms; `exp` and idle times are measured with it.
 * @param options.secret signing secret; random when omitted.
 * @param options.sdpSessionIdleMs a session unused for longer than this dies; null/omitted: never.
 */
export function createCredentialIssuer(options: { now: () => number; secret?: Uint8Array; sdpSessionIdleMs?: number | null }): CredentialIssuer {
  const secret = Buffer.from(options.secret ?? randomBytes(SECRET_BYTES));
  const idleLimitMs = options.sdpSessionIdleMs ?? null;
  /** By token id (`jti`). */
  const minted = new Map<string, MintedRecord>();
  const bySdpSession = new Map<string, MintedRecord>();

  const sign = (signingInput: string) => createHmac('sha256', secret).update(signingInput).digest();

  return {
    mint({ account, lifetimeSeconds }) {
      const issuedAt = Math.floor(options.now() / 1000);
      const expiresAt = issuedAt + Math.round(lifetimeSeconds);
      const tokenId = randomUUID();
      const payload = { sub: account, iat: issuedAt, exp: expiresAt, jti: tokenId };
      const signingInput = `${encodeJson(JWT_HEADER)}.${encodeJson(payload)}`;
      const jmToken = `${signingInput}.${sign(signingInput).toString('base64url')}`;
      const sdpSession = randomBytes(24).toString('base64url');
      const record: MintedRecord = { sdpSession, forcedExpired: false, lastUsedAt: options.now(), idleExpired: false };
      minted.set(tokenId, record);
      bySdpSession.set(sdpSession, record);
      return { jmToken, sdpSession, expiresAt };
    },

    check({ jmToken, sdpSession }) {
      if (jmToken === undefined || jmToken === '') return { status: 'invalid', account: null, reason: 'missing-token' };
      const parts = jmToken.split('.');
      const [encodedHeader, encodedPayload, encodedSignature] = parts;
      if (parts.length !== 3 || encodedHeader === undefined || encodedPayload === undefined || encodedSignature === undefined) {
        return { status: 'invalid', account: null, reason: 'malformed-token' };
      }
      const header = jwtHeaderSchema.safeParse(decodeJson(encodedHeader));
      const payload = jwtPayloadSchema.safeParse(decodeJson(encodedPayload));
      if (!header.success || !payload.success) return { status: 'invalid', account: null, reason: 'malformed-token' };
      const expected = sign(`${encodedHeader}.${encodedPayload}`);
      const given = Buffer.from(encodedSignature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { status: 'invalid', account: null, reason: 'bad-signature' };
      }
      const account = payload.data.sub;
      const record = minted.get(payload.data.jti);
      if (record === undefined) return { status: 'invalid', account, reason: 'unknown-token' };
      if (record.forcedExpired || payload.data.exp <= options.now() / 1000) return { status: 'expired', account };
      if (sdpSession === undefined || !equalStrings(sdpSession, record.sdpSession)) {
        return { status: 'invalid', account, reason: 'wrong-session' };
      }
      if (idleLimitMs !== null && (record.idleExpired || options.now() - record.lastUsedAt > idleLimitMs)) {
        record.idleExpired = true;
        return { status: 'session-expired', account };
      }
      return { status: 'valid', account };
    },

    recordUse(sdpSession) {
      const record = bySdpSession.get(sdpSession);
      if (record !== undefined && !record.idleExpired) record.lastUsedAt = Math.max(record.lastUsedAt, options.now());
    },

    expireAllMinted() {
      for (const record of minted.values()) record.forcedExpired = true;
    },

    clearForcedExpiry() {
      for (const record of minted.values()) record.forcedExpired = false;
    },
  };
}

function encodeJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The JSON inside a base64url segment, or undefined when it is not JSON. */
function decodeJson(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function equalStrings(given: string, expected: string): boolean {
  const givenBytes = Buffer.from(given);
  const expectedBytes = Buffer.from(expected);
  return givenBytes.length === expectedBytes.length && timingSafeEqual(givenBytes, expectedBytes);
}
