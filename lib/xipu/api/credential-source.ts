import type { StoredCredentials } from './stored-credentials';

/** What a request lends the credential source: its cleanup hook and how to reach itself. */
export interface CredentialRequestContext {
  /** Runs work after the response (a background refresh): Next's `after()`. */
  defer: (task: () => Promise<void>) => void;
  /** This deployment's origin as the client reached it: where the login route lives. */
  origin?: string;
  /**
   * The request gave up (client gone, start deadline): a wait for a login ends at once with
   * the signal's reason. The login itself goes on for whoever else waits.
   */
  signal?: AbortSignal;
}

/** Where the XIPU provider gets its credentials for each request. */
export interface CredentialSource {
  /**
   * Valid credentials for this request. Near expiry it asks for a login in the background
   * and goes on with the current pair; with none valid it waits for a login (bounded).
   * @throws GatewayError 503 (with Retry-After while a login is under way).
   */
  current(context: CredentialRequestContext): Promise<StoredCredentials>;
  /**
   * The upstream rejected `rejected` (403 / token error): fresher credentials, from one
   * login shared by every request (on every instance) that needs it. A logged-in token that
   * had served calls was revoked or expired: log in again, whatever its age. One rejected
   * before it ever served a call means a new login would likely be rejected too (a firewall,
   * a region block): its first rejection anywhere counts as a failed login (step
   * `token-rejected`) and backs off; later ones wait for a login, which runs once the
   * back-off has lapsed (the token may simply have been rotated before its first use).
   * With `mayLogIn: false` (a second rejection within one request) no login is asked for:
   * only a newer stored pair is returned.
   * @throws GatewayError 503 when none arrive in time, or logins are not possible.
   */
  replaceRejected(rejected: StoredCredentials, context: CredentialRequestContext, options?: { mayLogIn?: boolean }): Promise<StoredCredentials>;
  /**
   * A valid stored pair other than `rejected`, waiting up to `waitMs` for one to appear (a
   * login that other requests started) — never asking for a login, never recording a failure.
   * For cleanup after the response. Undefined when none came.
   */
  fresherThan(rejected: StoredCredentials, waitMs: number): Promise<StoredCredentials | undefined>;
  /**
   * `credentials` just served a successful upstream call: recorded for every instance (once
   * per token and instance: one store command per token, not per chat). Never throws.
   * @returns true for the token's first recorded success anywhere (a new login's token
   *   working: the moment to sweep what rejected credentials could not delete).
   */
  confirm(credentials: StoredCredentials): Promise<boolean>;
}
