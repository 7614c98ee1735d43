import { decodeJwt } from 'jose';
// The Chrome build this puppeteer-core was made for (the main entry's types leave it out).
import { PUPPETEER_REVISIONS } from 'puppeteer-core/internal/revisions.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BrowserLoginError, launchChromium, loginWithBrowser, type BrowserLoginOptions, type LoginStepEvent } from '@/lib/xipu/browser-login/login-with-browser';
import { MAX_SCREENSHOT_BYTES } from '@/lib/xipu/browser-login/capture-failure-screenshot';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { isBrowserGone, trackBrowsers } from './track-browsers';

const PASSWORD = 'sim-Secret-Pa55word';

let simulator: SimulatorHandle;

beforeAll(async () => {
  simulator = await startSimulator({ portal: { username: 'student-42', password: PASSWORD } });
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.reset();
});

/** A login against the simulator's portal with its account, through a tracked launcher. */
function loginOptions(overrides: Partial<BrowserLoginOptions> = {}): BrowserLoginOptions & { tracked: ReturnType<typeof trackBrowsers> } {
  const tracked = trackBrowsers();
  return {
    portalUrl: simulator.portalUrl,
    username: simulator.portalAccount.username,
    password: simulator.portalAccount.password,
    launch: tracked.launch,
    ...overrides,
    tracked,
  };
}

/** The failure of a login that must fail. */
async function loginFailure(options: BrowserLoginOptions): Promise<BrowserLoginError> {
  const error = await loginWithBrowser(options).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(BrowserLoginError);
  return error as BrowserLoginError;
}

function expectJpegWithinCap(screenshot: Uint8Array | undefined): void {
  expect(screenshot).toBeInstanceOf(Uint8Array);
  expect(screenshot!.byteLength).toBeGreaterThan(0);
  expect(screenshot!.byteLength).toBeLessThanOrEqual(MAX_SCREENSHOT_BYTES);
  expect([...screenshot!.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
}

/** Message and stack of the error and of every cause behind it. */
function everyText(error: unknown): string {
  const texts: string[] = [];
  for (let current = error; current !== undefined && texts.length < 20; current = current instanceof Error ? current.cause : undefined) {
    texts.push(current instanceof Error ? `${current.message}\n${current.stack ?? ''}` : String(current));
  }
  return texts.join('\n');
}

function expectNoPassword(error: BrowserLoginError): void {
  expect(error.detail).not.toContain(PASSWORD);
  expect(everyText(error)).not.toContain(PASSWORD);
}

describe('loginWithBrowser against the simulator portal', () => {
  it('captures a working credential pair and reports every step in order', async () => {
    const events: LoginStepEvent[] = [];
    const options = loginOptions({ onStep: (event) => events.push(event) });

    const credentials = await loginWithBrowser(options);

    expect(decodeJwt(credentials.jmToken).sub).toBe('student-42');
    expect(credentials.sdpSession).not.toBe('');
    const response = await fetch(`${simulator.apiBase}/userInfo?sf_request_type=ajax`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'jm-token': credentials.jmToken, 'sdp-app-session': credentials.sdpSession },
      body: '{}',
    });
    expect(await response.json()).toEqual({ code: 0, msg: expect.any(String), data: { name: 'student-42' } });
    expect(simulator.state().portal).toMatchObject({ loginsSucceeded: 1, loginsFailed: 0, ticketsIssued: 1 });

    expect(events.map(({ step, status }) => `${step}:${status}`)).toEqual([
      'launch-browser:started',
      'launch-browser:done',
      'open-portal:started',
      'open-portal:done',
      'fill-credentials:started',
      'fill-credentials:done',
      'submit-login:started',
      'submit-login:done',
      'open-chat-page:started',
      'open-chat-page:done',
      'open-new-chat:started',
      'open-new-chat:done',
      'capture-credentials:started',
      'capture-credentials:done',
    ]);
    const elapsed = events.map((event) => event.elapsedMs);
    expect(elapsed).toEqual([...elapsed].sort((a, b) => a - b));
    expect(options.tracked.browsers).toHaveLength(1);
    expect(isBrowserGone(options.tracked.browsers[0]!)).toBe(true);
  });

  // The Vercel launch path: @sparticuz/chromium's headless shell (a Linux x64 build).
  it.runIf(process.platform === 'linux' && process.arch === 'x64')('logs in with the hosted Chromium too', async () => {
    const versions: string[] = [];
    const hosted = trackBrowsers(async () => {
      const browser = await launchChromium({ hosted: true });
      versions.push(await browser.version());
      return browser;
    });

    const credentials = await loginWithBrowser(loginOptions({ launch: hosted.launch }));

    // The pinned pair: @sparticuz/chromium ships the Chrome major this puppeteer-core was made for.
    const pairedMajor = PUPPETEER_REVISIONS['chrome-headless-shell'].split('.')[0];
    expect(versions).toEqual([expect.stringMatching(new RegExp(`^HeadlessChrome/${pairedMajor}\\.`))]);
    expect(decodeJwt(credentials.jmToken).sub).toBe('student-42');
    expect(hosted.browsers).toHaveLength(1);
    expect(isBrowserGone(hosted.browsers[0]!)).toBe(true);
  });

  it('fails submit-login with the SSO message for a wrong password, with a screenshot and without the password', async () => {
    const wrongPassword = `${PASSWORD}-wrong`;
    const events: LoginStepEvent[] = [];
    const options = loginOptions({ password: wrongPassword, onStep: (event) => events.push(event) });

    const error = await loginFailure(options);

    expect(error.step).toBe('submit-login');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe("Browser login failed at step 'submit-login': the SSO refused the login: 'Invalid username or password.'");
    expect(error.message).not.toContain(wrongPassword);
    expectNoPassword(error);
    expectJpegWithinCap(error.screenshot);
    expect(events.at(-1)).toMatchObject({ step: 'submit-login', status: 'failed' });
    expect(simulator.state().portal).toMatchObject({ loginsSucceeded: 0, loginsFailed: 1 });
    expect(isBrowserGone(options.tracked.browsers[0]!)).toBe(true);
  });

  it('fails submit-login when the SSO refuses the right password (login-refused)', async () => {
    simulator.injectFaults({ kind: 'login-refused' });
    const options = loginOptions();

    const error = await loginFailure(options);

    expect(error.step).toBe('submit-login');
    expect(error.detail).toBe("the SSO refused the login: 'Your account is locked. Try again in 30 minutes.'");
    expectNoPassword(error);
    expectJpegWithinCap(error.screenshot);
    expect(isBrowserGone(options.tracked.browsers[0]!)).toBe(true);
  });

  it('fails fill-credentials naming the page that showed up instead of the form (portal-unexpected-page)', async () => {
    simulator.injectFaults({ kind: 'portal-unexpected-page' });
    const options = loginOptions({ stepTimeoutMs: 1_500 });

    const error = await loginFailure(options);

    expect(error.step).toBe('fill-credentials');
    expect(error.detail).toBe("the login form did not appear: page title 'System maintenance'");
    expect(error.retryable).toBe(true);
    expectJpegWithinCap(error.screenshot);
    expect(isBrowserGone(options.tracked.browsers[0]!)).toBe(true);
  });

  it('succeeds when the portal is slow but within the step timeout (portal-slow)', async () => {
    simulator.injectFaults({ kind: 'portal-slow', ms: 800, times: 3 });

    const credentials = await loginWithBrowser(loginOptions({ stepTimeoutMs: 5_000 }));

    expect(decodeJwt(credentials.jmToken).sub).toBe('student-42');
  });

  it('fails the slow step by name when the portal is slower than the step timeout (portal-slow)', async () => {
    simulator.injectFaults({ kind: 'portal-slow', ms: 3_000 });
    const options = loginOptions({ stepTimeoutMs: 1_000 });

    const error = await loginFailure(options);

    expect(error.step).toBe('open-portal');
    expect(error.message).toMatch(/^Browser login failed at step 'open-portal': did not finish within 1000 ms/);
    expect(error.retryable).toBe(true);
    expectJpegWithinCap(error.screenshot);
    expect(isBrowserGone(options.tracked.browsers[0]!)).toBe(true);
  });

  it('fails capture-credentials when the page sends no credential headers in time', async () => {
    // Its chat page makes the token-bearing call long after the capture timeout.
    const lateCall = await startSimulator({ portal: { username: 'student-42', password: PASSWORD, tokenXhrDelayMs: 5_000 } });
    try {
      const options = loginOptions({ portalUrl: lateCall.portalUrl, captureTimeoutMs: 500 });

      const error = await loginFailure(options);

      expect(error.step).toBe('capture-credentials');
      expect(error.detail).toBe('no request of the page carried both jm-token and sdp-app-session within 500 ms (neither was seen)');
      expectJpegWithinCap(error.screenshot);
      expect(isBrowserGone(options.tracked.browsers[0]!)).toBe(true);
    } finally {
      await lateCall.close();
    }
  });

  it('keeps the password out of every message, even when a page address contains it', async () => {
    const options = loginOptions({ portalUrl: `${simulator.portalUrl}/no-such-page/${PASSWORD}?next=${PASSWORD}` });

    const error = await loginFailure(options);

    expect(error.step).toBe('open-portal');
    expect(error.detail).toMatch(/^the portal answered HTTP 404 at http:\/\/127\.0\.0\.1:\d+\/no-such-page\/\[redacted\]$/);
    expectNoPassword(error);
    expect(isBrowserGone(options.tracked.browsers[0]!)).toBe(true);
  });
});

describe('loginWithBrowser without a browser page', () => {
  it('fails launch-browser when the launcher fails, without a screenshot', async () => {
    const error = await loginFailure({
      portalUrl: 'http://127.0.0.1:9',
      username: 'student',
      password: PASSWORD,
      launch: () => Promise.reject(new Error('No Chromium found (tried /nowhere). Install Chromium or Chrome, or set CHROMIUM_PATH to its executable.')),
    });

    expect(error.step).toBe('launch-browser');
    expect(error.detail).toContain('set CHROMIUM_PATH');
    expect(error.screenshot).toBeUndefined();
  });

  it('closes a browser that finishes launching after the launch step gave up', async () => {
    const tracked = trackBrowsers();
    let launched: Promise<unknown> = Promise.resolve();
    const slowLaunch = () => {
      const browser = new Promise<void>((resolve) => setTimeout(resolve, 600)).then(tracked.launch);
      launched = browser;
      return browser;
    };

    const error = await loginFailure({ portalUrl: simulator.portalUrl, username: 'student', password: PASSWORD, launch: slowLaunch, stepTimeoutMs: 100 });

    expect(error.step).toBe('launch-browser');
    expect(error.detail).toBe('did not finish within 100 ms');
    await launched;
    await expect.poll(() => tracked.browsers.length === 1 && isBrowserGone(tracked.browsers[0]!), { timeout: 10_000 }).toBe(true);
  });

  it('refuses an empty password before launching anything', async () => {
    const tracked = trackBrowsers();
    const error = await loginFailure({ portalUrl: simulator.portalUrl, username: 'student', password: '', launch: tracked.launch });

    expect(error.step).toBe('fill-credentials');
    expect(error.retryable).toBe(false);
    expect(tracked.browsers).toHaveLength(0);
  });
});
