/** The login's steps in order — docs/xipu-protocol "Login". */
export const LOGIN_STEPS = [
  'launch-browser',
  'open-portal',
  'fill-credentials',
  'submit-login',
  'open-chat-page',
  'open-new-chat',
  'capture-credentials',
] as const;

export type LoginStep = (typeof LOGIN_STEPS)[number];

export interface BrowserLoginErrorOptions {
  step: LoginStep;
  /** What went wrong at that step; never contains the password. */
  detail: string;
  /** False when the SSO refused the credentials: retrying would only risk locking the account. Default true. */
  retryable?: boolean;
  screenshot?: Uint8Array;
  cause?: unknown;
}

/**
 * A browser login that stopped at `step`. The message reads
 * `Browser login failed at step '<step>': <detail>` and never contains the password.
 */
export class BrowserLoginError extends Error {
  override readonly name = 'BrowserLoginError';
  readonly step: LoginStep;
  readonly detail: string;
  /** False when the SSO refused the credentials (wrong password, locked account). */
  readonly retryable: boolean;
  /** JPEG of the page when it failed (≤ 150 KB), if a page existed and could be captured. */
  readonly screenshot?: Uint8Array;

  constructor(options: BrowserLoginErrorOptions) {
    super(
      `Browser login failed at step '${options.step}': ${options.detail}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.step = options.step;
    this.detail = options.detail;
    this.retryable = options.retryable ?? true;
    if (options.screenshot !== undefined) this.screenshot = options.screenshot;
  }
}
