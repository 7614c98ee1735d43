import type { Browser } from 'puppeteer-core';
import { BrowserLoginError, type LoginStep } from './browser-login-error';
import { captureCredentials, watchCredentialHeaders, type CapturedCredentials } from './capture-credentials';
import { captureFailureScreenshot } from './capture-failure-screenshot';
import { closeBrowser } from './close-browser';
import { fillCredentials } from './fill-credentials';
import { launchBrowser, type OpenedBrowser } from './launch-browser';
import { launchChromium } from './launch-chromium';
import { openChatPage } from './open-chat-page';
import { openNewChat } from './open-new-chat';
import { openPortal } from './open-portal';
import { runLoginStep, type LoginStepEvent, type StepLimits } from './run-login-step';
import { submitLogin } from './submit-login';

export { BrowserLoginError, LOGIN_STEPS, type LoginStep } from './browser-login-error';
export type { CapturedCredentials } from './capture-credentials';
export { launchChromium, type LaunchChromiumOptions } from './launch-chromium';
export type { LoginStepEvent } from './run-login-step';

/** Per step: the ancestor waited 20–30 s for each (docs/xipu-protocol "Login"). */
export const DEFAULT_STEP_TIMEOUT_MS = 25_000;
/** For the credential headers once the chat is open: the ancestor waited about 8 s (docs/xipu-protocol "Login" 5). */
export const DEFAULT_CAPTURE_TIMEOUT_MS = 10_000;

export interface BrowserLoginOptions {
  /** The XIPU portal, e.g. `https://xipuai.xjtlu.edu.cn`; it redirects to the school's SSO. */
  portalUrl: string;
  username: string;
  /** Typed into the SSO form only: never logged, never in an error, never kept. */
  password: string;
  /** Default `launchChromium({})` (a local Chromium); the gateway passes the hosted one on Vercel. */
  launch?: () => Promise<Browser>;
  /** Budget of each step, default `DEFAULT_STEP_TIMEOUT_MS`. */
  stepTimeoutMs?: number;
  /** Budget of `capture-credentials`, default `DEFAULT_CAPTURE_TIMEOUT_MS`. */
  captureTimeoutMs?: number;
  /** Told when each step starts, ends and fails; `elapsedMs` counts from the login's start. */
  onStep?: (event: LoginStepEvent) => void;
  /** Clock, epoch ms, for `elapsedMs`; default `Date.now`. */
  now?: () => number;
}

/**
 * Logs in to XIPU the way a person does, in a headless browser: portal → school SSO →
 * credentials → portal → chat page → new chat, then reads `jm-token` and `sdp-app-session`
 * from the page's own API requests (docs/xipu-protocol "Login"). Each step is bounded by
 * its timeout; the whole login by their sum plus a small grace per step. The browser is
 * always closed (killed if it will not close), on success and on every failure, which also
 * removes its temporary profile.
 *
 * @returns the captured credential pair.
 * @throws BrowserLoginError naming the step that failed, with a JPEG of the page (≤ 150 KB)
 *   when one was open; `retryable` is false when the SSO refused the credentials. The
 *   password appears in no message and no cause.
 */
export async function loginWithBrowser(options: BrowserLoginOptions): Promise<CapturedCredentials> {
  if (options.username === '' || options.password === '') {
    throw new BrowserLoginError({ step: 'fill-credentials', detail: 'the username or the password is empty', retryable: false });
  }
  const now = options.now ?? Date.now;
  const startedAt = now();
  const launch = options.launch ?? (() => launchChromium({}));
  const stepTimeoutMs = options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  const run = <T>(step: LoginStep, action: (limits: StepLimits) => Promise<T>, timeoutMs = stepTimeoutMs) =>
    runLoginStep(step, action, { timeoutMs, now, startedAt, onStep: options.onStep });

  const opened: OpenedBrowser = {};
  try {
    const { page, credentialHeaders } = await run('launch-browser', async (limits) => {
      const tab = await launchBrowser(launch, limits, opened);
      // Listening from the start: no request of the page is missed.
      return { page: tab, credentialHeaders: watchCredentialHeaders(tab) };
    });
    await run('open-portal', (limits) => openPortal(page, options.portalUrl, limits));
    await run('fill-credentials', (limits) =>
      fillCredentials(page, { username: options.username, password: options.password }, limits),
    );
    await run('submit-login', (limits) => submitLogin(page, limits));
    await run('open-chat-page', (limits) => openChatPage(page, limits));
    await run('open-new-chat', (limits) => openNewChat(page, limits));
    return await run(
      'capture-credentials',
      (limits) => captureCredentials(credentialHeaders, limits),
      options.captureTimeoutMs ?? DEFAULT_CAPTURE_TIMEOUT_MS,
    );
  } catch (error) {
    throw await describeFailure(error, opened, options.password);
  } finally {
    if (opened.browser) await closeBrowser(opened.browser);
  }
}

/** How deep a chain of causes is searched for the password; a deeper (or cyclic) chain is dropped unchecked. */
const MAX_CAUSE_DEPTH = 8;

/** The failure as the caller sees it: with a screenshot, and with the password nowhere in it. */
async function describeFailure(error: unknown, opened: OpenedBrowser, password: string): Promise<unknown> {
  if (!(error instanceof BrowserLoginError)) return error;
  const screenshot = opened.page ? await captureFailureScreenshot(opened.page) : undefined;
  return new BrowserLoginError({
    step: error.step,
    detail: error.detail.replaceAll(password, '[redacted]'),
    retryable: error.retryable,
    ...(screenshot === undefined ? {} : { screenshot }),
    // A cause that mentions the password is dropped rather than rewritten.
    ...(mentions(error.cause, password) ? {} : { cause: error.cause }),
  });
}

/** Whether `secret` appears in `value`'s message or stack, or in those of its causes. */
function mentions(value: unknown, secret: string, depth = 0): boolean {
  if (value === undefined) return false;
  if (depth > MAX_CAUSE_DEPTH) return true;
  if (!(value instanceof Error)) return String(value).includes(secret);
  return `${value.message}\n${value.stack ?? ''}`.includes(secret) || mentions(value.cause, secret, depth + 1);
}
