import { Script } from 'node:vm';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle, type SimulatorOptions, type SimulatorState } from '@/simulator/start-simulator';
import {
  callUserInfo,
  createPortalBrowser,
  hiddenField,
  inlineScripts,
  loginThroughPortal,
  readChatPageSession,
  redirectTarget,
  type PortalBrowser,
} from './portal-client';
import { callApi, createManualClock, sessionSettings } from './simulator-client';

const INVALID_CREDENTIALS = '<div id="errormsg">Invalid username or password.</div>';
const ACCOUNT_LOCKED = '<div id="errormsg">Your account is locked. Try again in 30 minutes.</div>';
const SSO_FORM_MARKUP = [
  '<input id="username_show" type="text"',
  '<input id="password_show" type="password"',
  '<div id="btn_login"><input type="button" value="Login"></div>',
];
const CHAT_LINK = '<a href="/v3/chat">XIPU AI</a>';
const NEW_CHAT_BUTTON = '<button class="n-button"><span class="n-button__content">New chat</span></button>';

describe('login portal and SSO', () => {
  let simulator: SimulatorHandle;
  let browser: PortalBrowser;
  afterEach(async () => {
    await simulator?.close();
  });
  const start = async (options: SimulatorOptions = {}) => {
    simulator = await startSimulator({ minGapMs: 0, chunkDelayMs: 0, ...options });
    browser = createPortalBrowser();
  };
  const callbackUrl = () => `${simulator.portalUrl}/sso/callback`;
  const ssoLoginUrl = () => `${simulator.ssoUrl}/authserver/login?service=${encodeURIComponent(callbackUrl())}`;
  const postLogin = (password: string, username = simulator.portalAccount.username, service = callbackUrl()) =>
    browser.postForm(`${simulator.ssoUrl}/authserver/login`, { username, password, service });

  it('serves the portal on the main server and the SSO on another origin', async () => {
    await start();
    expect(simulator.portalUrl).toBe(simulator.url);
    expect(new URL(simulator.ssoUrl).hostname).toBe(new URL(simulator.url).hostname);
    expect(new URL(simulator.ssoUrl).origin).not.toBe(new URL(simulator.url).origin);
    expect(simulator.portalAccount).toEqual({ username: 'student', password: 'correct-horse-battery' });
  });

  it('walks the whole chain: portal → SSO form → post → ticket → callback → home → chat page', async () => {
    await start({ portal: { tokenXhrDelayMs: 250 } });
    const portal = await browser.get(`${simulator.portalUrl}/`);
    expect(portal.status).toBe(302);
    expect(portal.headers.get('location')).toBe(ssoLoginUrl());

    const form = await browser.get(ssoLoginUrl());
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toBe('text/html;charset=UTF-8');
    const formHtml = await form.text();
    for (const markup of SSO_FORM_MARKUP) expect(formHtml).toContain(markup);
    expect(formHtml).toContain('<form id="casLoginForm" method="post" action="/authserver/login">');
    expect(hiddenField(formHtml, 'service')).toBe(callbackUrl());
    expect(formHtml).not.toContain('id="errormsg"');

    const posted = await postLogin('correct-horse-battery');
    expect(posted.status).toBe(302);
    const ticketUrl = new URL(redirectTarget(posted));
    expect(`${ticketUrl.origin}${ticketUrl.pathname}`).toBe(callbackUrl());
    expect(ticketUrl.searchParams.get('ticket')).toMatch(/^ST-[A-Za-z0-9_-]{20,}$/);
    expect(posted.headers.getSetCookie()).toEqual([expect.stringMatching(/^CASTGC=[^;]+; Path=\/authserver; HttpOnly; SameSite=Lax$/)]);

    const callback = await browser.get(ticketUrl.toString());
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/');
    expect(callback.headers.getSetCookie()).toEqual([expect.stringMatching(/^portal_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/)]);

    const home = await browser.get(`${simulator.portalUrl}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(CHAT_LINK);

    const chat = await browser.get(`${simulator.portalUrl}/v3/chat`);
    expect(chat.status).toBe(200);
    expect(chat.headers.get('cache-control')).toBe('no-store');
    const chatHtml = await chat.text();
    expect(chatHtml).toContain(NEW_CHAT_BUTTON);
    // The textarea is made by the button's click: waiting for it waits for the click.
    expect(chatHtml).not.toContain('<textarea');
    expect(chatHtml).toContain("fetch(session.apiBase + '/userInfo?sf_request_type=ajax', {");
    expect(chatHtml).toContain("headers: { 'Content-Type': 'application/json', 'Jm-Token': session.jmToken, 'Sdp-App-Session': session.sdpSession }");
    const session = readChatPageSession(chatHtml);
    expect(session).toMatchObject({ apiBase: simulator.apiBase, tokenXhrDelayMs: 250 });
    expect(decodeJwt(session.jmToken)).toMatchObject({ sub: 'student' });
    expect(decodeJwt(session.jmToken).exp).toBe((decodeJwt(session.jmToken).iat ?? 0) + 3600);

    const userInfo = await callUserInfo(simulator, session);
    expect(userInfo.status).toBe(200);
    expect(await userInfo.json()).toEqual({ code: 0, msg: 'success', data: { name: 'student' } });
    expect(simulator.state().portal).toEqual({ loginsSucceeded: 1, loginsFailed: 0, ticketsIssued: 1, userInfoCalls: 1 });
  });

  // The home page has no script of its own: its row checks that none appears unchecked.
  it.each([
    ['SSO form', () => ssoLoginUrl(), 'has scripts'],
    ['home', () => `${simulator.portalUrl}/`, 'no script'],
    ['chat', () => `${simulator.portalUrl}/v3/chat`, 'has scripts'],
  ] as const)('serves a whole HTML document whose inline scripts compile (%s, %s)', async (_page, url, expected) => {
    await start();
    await loginThroughPortal(simulator, browser);
    const html = await (await browser.get(url())).text();
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n/);
    expect(html).toMatch(/<title>[^<]+<\/title>/);
    const scripts = inlineScripts(html);
    // Not vacuous: a page that has scripts has at least one checked, and every <script> tag is one the regex read.
    if (expected === 'has scripts') expect(scripts.length).toBeGreaterThan(0);
    else expect(scripts).toEqual([]);
    expect(scripts).toHaveLength(html.match(/<script\b/g)?.length ?? 0);
    for (const script of scripts) expect(() => new Script(script)).not.toThrow();
  });

  it('shows the form again with #errormsg for a wrong password, and then accepts the right one', async () => {
    await start();
    const service = hiddenField(await (await browser.get(ssoLoginUrl())).text(), 'service');
    for (const [username, password] of [
      ['student', 'wrong'],
      ['someone-else', 'correct-horse-battery'],
    ] as const) {
      const refused = await postLogin(password, username, service);
      expect(refused.status).toBe(200);
      expect(refused.headers.get('location')).toBeNull();
      expect(refused.headers.getSetCookie()).toEqual([]);
      const html = await refused.text();
      expect(html).toContain(INVALID_CREDENTIALS);
      for (const markup of SSO_FORM_MARKUP) expect(html).toContain(markup);
      expect(html).toContain(`<input id="username_show" type="text" autocomplete="username" value="${username}">`);
      expect(hiddenField(html, 'service')).toBe(callbackUrl());
    }
    expect((await postLogin('correct-horse-battery', 'student', service)).status).toBe(302);
    expect(simulator.state().portal).toMatchObject({ loginsSucceeded: 1, loginsFailed: 2, ticketsIssued: 1 });
  });

  it('accepts the configured account only', async () => {
    await start({ portal: { username: 'alice', password: 's3cret' } });
    expect(simulator.portalAccount).toEqual({ username: 'alice', password: 's3cret' });
    expect((await postLogin('correct-horse-battery')).status).toBe(200);
    const session = await loginThroughPortal(simulator, browser);
    expect(await (await callUserInfo(simulator, session)).json()).toMatchObject({ data: { name: 'alice' } });
  });

  it('redeems a ticket once, and only at the service it was issued for', async () => {
    await start();
    const ticketUrl = redirectTarget(await postLogin('correct-horse-battery'));
    expect((await browser.get(ticketUrl)).status).toBe(302);
    const reused = await createPortalBrowser().get(ticketUrl);
    expect(reused.status).toBe(403);
    expect(reused.headers.getSetCookie()).toEqual([]);
    expect(await reused.text()).toContain('Invalid or expired ticket.');
    expect((await browser.get(`${callbackUrl()}?ticket=ST-forged`)).status).toBe(403);
    expect((await browser.get(callbackUrl())).status).toBe(403);

    const elsewhere = redirectTarget(await postLogin('correct-horse-battery', 'student', 'http://elsewhere.invalid/cas'));
    expect(elsewhere).toMatch(/^http:\/\/elsewhere\.invalid\/cas\?ticket=ST-/);
    const misused = `${callbackUrl()}?ticket=${new URL(elsewhere).searchParams.get('ticket') ?? ''}`;
    expect((await createPortalBrowser().get(misused)).status).toBe(403);
    expect(simulator.state().portal).toMatchObject({ loginsSucceeded: 2, ticketsIssued: 2 });
  });

  it('refuses a post without a usable service', async () => {
    await start();
    for (const service of ['', 'not a url', 'javascript:alert(1)']) {
      const response = await postLogin('correct-horse-battery', 'student', service);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('Invalid service');
    }
    expect(simulator.state().portal).toMatchObject({ loginsSucceeded: 0, loginsFailed: 0, ticketsIssued: 0 });
  });

  it('sends a browser without a valid portal session to the SSO, clearing a stale cookie', async () => {
    await start();
    const chat = await browser.get(`${simulator.portalUrl}/v3/chat`);
    expect(chat.status).toBe(302);
    expect(chat.headers.get('location')).toBe(ssoLoginUrl());
    expect(chat.headers.getSetCookie()).toEqual([]);

    const stale = await fetch(`${simulator.portalUrl}/v3/chat`, { headers: { cookie: 'portal_session=unknown' }, redirect: 'manual' });
    expect(stale.status).toBe(302);
    expect(stale.headers.get('location')).toBe(ssoLoginUrl());
    expect(stale.headers.getSetCookie()).toEqual(['portal_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax']);
  });

  it('logs the portal out when its credentials expire, so the browser can log in again', async () => {
    await start();
    const first = await loginThroughPortal(simulator, browser);
    simulator.injectFaults({ kind: 'expire-tokens' });
    const home = await browser.get(`${simulator.portalUrl}/`);
    expect(home.headers.get('location')).toBe(ssoLoginUrl());
    expect(browser.cookie('portal_session')).toBeUndefined();
    const second = await loginThroughPortal(simulator, browser);
    expect(second.jmToken).not.toBe(first.jmToken);
    expect((await callUserInfo(simulator, second)).status).toBe(200);
    expect((await callUserInfo(simulator, first)).status).toBe(403);
  });

  it('leaves unknown paths to 404 and answers the favicon with 204 on both servers', async () => {
    await start();
    expect((await fetch(`${simulator.ssoUrl}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${simulator.ssoUrl}/authserver/login`, { method: 'PUT' })).status).toBe(405);
    expect((await fetch(`${simulator.ssoUrl}/favicon.ico`)).status).toBe(204);
    expect((await fetch(`${simulator.portalUrl}/favicon.ico`)).status).toBe(204);
    expect((await fetch(`${simulator.portalUrl}/v3/chat`, { method: 'POST' })).status).toBe(404);
  });

  it('close() closes both servers', async () => {
    await start();
    await simulator.close();
    await expect(fetch(ssoLoginUrl())).rejects.toThrow();
    await expect(fetch(`${simulator.portalUrl}/`)).rejects.toThrow();
  });

  it('rejects invalid portal options', async () => {
    await expect(startSimulator({ portal: { ssoPort: 70_000 } })).rejects.toThrow(RangeError);
    await expect(startSimulator({ portal: { username: '' } })).rejects.toThrow(RangeError);
    await expect(startSimulator({ portal: { tokenXhrDelayMs: -1 } })).rejects.toThrow(RangeError);
    await expect(startSimulator({ sdpSessionIdleMs: -1 })).rejects.toThrow(RangeError);
  });
});

describe('userInfo', () => {
  let simulator: SimulatorHandle;
  afterEach(async () => {
    await simulator?.close();
  });

  it('answers the page credentials with the account, and bad ones like the other endpoints', async () => {
    simulator = await startSimulator({ minGapMs: 0 });
    const session = await loginThroughPortal(simulator);
    expect(await (await callUserInfo(simulator, session)).json()).toEqual({ code: 0, msg: 'success', data: { name: 'student' } });
    const other = simulator.mintCredentials();
    for (const credentials of [
      { jmToken: session.jmToken, sdpSession: other.sdpSession },
      { jmToken: 'not-a-jwt', sdpSession: session.sdpSession },
      { jmToken: '', sdpSession: '' },
    ]) {
      const response = await callUserInfo(simulator, credentials);
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ code: 403, msg: 'token invalid' });
    }
    const expired = await callUserInfo(simulator, simulator.mintCredentials({ lifetimeSeconds: -1 }));
    expect(await expired.json()).toEqual({ code: 403, msg: 'token expired' });
    expect(simulator.state().portal.userInfoCalls).toBe(5);
  });

  it('follows the strict profile: 500 token error for a forged token, 404 without sf_request_type', async () => {
    simulator = await startSimulator({ profile: 'strict', minGapMs: 0 });
    const credentials = simulator.mintCredentials();
    const forged = await callUserInfo(simulator, { ...credentials, jmToken: 'not-a-jwt' });
    expect(forged.status).toBe(500);
    expect(await forged.json()).toEqual({ code: 500, msg: 'token error' });
    expect((await callUserInfo(simulator, credentials, '')).status).toBe(404);
    expect((await callUserInfo(simulator, credentials, '?sf_request_type=fetch')).status).toBe(404);
    expect((await callUserInfo(simulator, credentials)).status).toBe(200);
  });

  it('is exempt from the frequency limit and counted apart from the three endpoints', async () => {
    simulator = await startSimulator({ minGapMs: 60_000 });
    const credentials = simulator.mintCredentials();
    const statuses = await Promise.all(Array.from({ length: 3 }, () => callUserInfo(simulator, credentials).then((response) => response.status)));
    expect(statuses).toEqual([200, 200, 200]);
    // The userInfo calls left no trace in the pacing: this call is the account's first.
    expect((await callApi(simulator, 'saveSession', sessionSettings(), credentials)).status).toBe(200);
    expect((await callUserInfo(simulator, credentials)).status).toBe(200);
    expect(simulator.state()).toMatchObject({
      calls: { saveSession: 1, completions: 0, delSession: 0 },
      statusCounts: { '200': 1 },
      rateLimited: 0,
      minArrivalGapMs: null,
      portal: { userInfoCalls: 4 },
    });
    const getUserInfo = await fetch(`${simulator.apiBase}/userInfo?sf_request_type=ajax`);
    expect(getUserInfo.status).toBe(405);
  });
});

describe('portal faults', () => {
  let simulator: SimulatorHandle;
  let browser: PortalBrowser;
  afterEach(async () => {
    await simulator?.close();
  });
  const start = async () => {
    simulator = await startSimulator({ minGapMs: 0 });
    browser = createPortalBrowser();
  };
  const ssoLoginUrl = () => `${simulator.ssoUrl}/authserver/login?service=${encodeURIComponent(`${simulator.portalUrl}/sso/callback`)}`;
  const timed = async (request: () => Promise<Response>) => {
    const startedAt = performance.now();
    const response = await request();
    await response.arrayBuffer();
    return { status: response.status, elapsedMs: performance.now() - startedAt };
  };

  it('portal-slow delays each portal or SSO answer, `times` answers, redirects included', async () => {
    await start();
    const SLOW_MS = 150;
    simulator.injectFaults({ kind: 'portal-slow', ms: SLOW_MS, times: 2 });
    // Not a portal route: neither delayed nor counted.
    expect((await timed(() => fetch(`${simulator.ssoUrl}/favicon.ico`))).elapsedMs).toBeLessThan(SLOW_MS - 10);
    const redirect = await timed(() => browser.get(`${simulator.portalUrl}/`));
    const form = await timed(() => browser.get(ssoLoginUrl()));
    const again = await timed(() => browser.get(ssoLoginUrl()));
    expect([redirect.status, form.status, again.status]).toEqual([302, 200, 200]);
    expect(redirect.elapsedMs).toBeGreaterThanOrEqual(SLOW_MS - 10);
    expect(form.elapsedMs).toBeGreaterThanOrEqual(SLOW_MS - 10);
    expect(again.elapsedMs).toBeLessThan(SLOW_MS - 10);
    expect(simulator.state().faultsPending).toBe(0);
  });

  it('portal-slow does not touch the API', async () => {
    await start();
    simulator.injectFaults({ kind: 'portal-slow', ms: 60_000 });
    expect((await callUserInfo(simulator, simulator.mintCredentials())).status).toBe(200);
    expect((await callApi(simulator, 'saveSession', sessionSettings(), simulator.mintCredentials())).status).toBe(200);
    expect(simulator.state().faultsPending).toBe(1);
  });

  it('close() cuts a slowed page', async () => {
    await start();
    simulator.injectFaults({ kind: 'portal-slow', ms: 60_000 });
    const pending = browser.get(`${simulator.portalUrl}/`).then(
      () => 'answered',
      () => 'failed',
    );
    const closedAt = performance.now();
    await simulator.close();
    expect(performance.now() - closedAt).toBeLessThan(1_000);
    expect(await pending).toBe('failed');
  });

  it('portal-unexpected-page serves a maintenance page without the form, `times` times', async () => {
    await start();
    simulator.injectFaults({ kind: 'portal-unexpected-page', times: 2 });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const page = await browser.get(ssoLoginUrl());
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('System maintenance — please try later');
      expect(html).not.toContain('username_show');
      expect(html).not.toContain('btn_login');
    }
    expect(await (await browser.get(ssoLoginUrl())).text()).toContain('id="username_show"');
  });

  it('login-refused shows the locked-account error even with the right password', async () => {
    await start();
    simulator.injectFaults({ kind: 'login-refused' });
    const { username, password } = simulator.portalAccount;
    const service = `${simulator.portalUrl}/sso/callback`;
    const refused = await browser.postForm(`${simulator.ssoUrl}/authserver/login`, { username, password, service });
    expect(refused.status).toBe(200);
    expect(refused.headers.get('location')).toBeNull();
    const html = await refused.text();
    expect(html).toContain(ACCOUNT_LOCKED);
    for (const markup of SSO_FORM_MARKUP) expect(html).toContain(markup);
    expect((await browser.postForm(`${simulator.ssoUrl}/authserver/login`, { username, password, service })).status).toBe(302);
    expect(simulator.state().portal).toMatchObject({ loginsSucceeded: 1, loginsFailed: 1, ticketsIssued: 1 });
  });

  it('each portal fault waits in its own queue, so faults of different places do not block each other', async () => {
    await start();
    simulator.injectFaults({ kind: 'login-refused' }, { kind: 'portal-unexpected-page' });
    expect(await (await browser.get(ssoLoginUrl())).text()).toContain('System maintenance');
    expect(simulator.state().faultsPending).toBe(1);
  });

  it('accepts the portal faults over HTTP and rejects malformed ones', async () => {
    await start();
    const inject = (faults: unknown[]) =>
      fetch(`${simulator.url}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ faults }) });
    const accepted = await inject([{ kind: 'portal-slow', ms: 0, times: 2 }, { kind: 'portal-unexpected-page' }, { kind: 'login-refused', times: 3 }]);
    expect(await accepted.json()).toEqual({ ok: true, faultsPending: 6 });
    expect((await inject([{ kind: 'portal-slow' }])).status).toBe(400);
    expect((await inject([{ kind: 'login-refused', times: 0 }])).status).toBe(400);
  });
});

describe('sdpSessionIdleMs profile', () => {
  const IDLE_MS = 20 * 60_000;
  let simulator: SimulatorHandle;
  afterEach(async () => {
    await simulator?.close();
  });

  it('rejects a session idle for longer than the limit with 403 session expired, for good', async () => {
    const clock = createManualClock();
    simulator = await startSimulator({ minGapMs: 0, now: clock.now, sdpSessionIdleMs: IDLE_MS, tokenLifetimeSeconds: 24 * 3600 });
    const browser = createPortalBrowser();
    const session = await loginThroughPortal(simulator, browser);
    // Exactly the limit is not longer than it; each success restarts the idle time.
    clock.advance(IDLE_MS);
    expect((await callUserInfo(simulator, session)).status).toBe(200);
    clock.advance(IDLE_MS);
    expect((await callApi(simulator, 'saveSession', sessionSettings(), session)).status).toBe(200);
    clock.advance(IDLE_MS + 1);
    const expired = await callApi(simulator, 'saveSession', sessionSettings(), session);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({ code: 403, msg: 'session expired' });
    expect(await (await callUserInfo(simulator, session)).json()).toEqual({ code: 403, msg: 'session expired' });
    expect(simulator.state().sessionsCreated).toBe(1);

    // The portal logs the browser out; a new login gives a working session.
    expect((await browser.get(`${simulator.portalUrl}/v3/chat`)).status).toBe(302);
    const renewed = await loginThroughPortal(simulator, browser);
    expect((await callUserInfo(simulator, renewed)).status).toBe(200);
    expect((await callUserInfo(simulator, session)).status).toBe(403);
  });

  it('counts minting as a use, and only successful calls after it', async () => {
    const clock = createManualClock();
    simulator = await startSimulator({ minGapMs: 1000, now: clock.now, sdpSessionIdleMs: IDLE_MS });
    const minted = simulator.mintCredentials();
    clock.advance(IDLE_MS - 1000);
    expect((await callApi(simulator, 'saveSession', sessionSettings(), minted)).status).toBe(200);
    // A call refused by the frequency limit is no use of the session.
    clock.advance(IDLE_MS);
    expect((await callApi(simulator, 'saveSession', sessionSettings(), minted)).status).toBe(200);
    clock.advance(10);
    expect((await callApi(simulator, 'saveSession', sessionSettings(), minted)).status).toBe(429);
    clock.advance(IDLE_MS - 10 + 1);
    expect((await callApi(simulator, 'saveSession', sessionSettings(), minted)).status).toBe(403);

    const unused = simulator.mintCredentials();
    clock.advance(IDLE_MS + 1);
    expect((await callUserInfo(simulator, unused)).status).toBe(403);
  });

  it('never expires a session by idleness without the option', async () => {
    const clock = createManualClock();
    simulator = await startSimulator({ minGapMs: 0, now: clock.now, tokenLifetimeSeconds: 24 * 3600 });
    const minted = simulator.mintCredentials();
    clock.advance(12 * 3600_000);
    expect((await callUserInfo(simulator, minted)).status).toBe(200);
  });
});

describe('portal state', () => {
  let simulator: SimulatorHandle;
  afterEach(async () => {
    await simulator?.close();
  });

  it('reports the portal counters in process and over HTTP; reset clears them but keeps the login', async () => {
    simulator = await startSimulator({ minGapMs: 0 });
    const browser = createPortalBrowser();
    await browser.postForm(`${simulator.ssoUrl}/authserver/login`, { username: 'student', password: 'nope', service: `${simulator.portalUrl}/sso/callback` });
    const session = await loginThroughPortal(simulator, browser);
    await callUserInfo(simulator, session);
    const state = (await (await fetch(`${simulator.url}/__sim/state`)).json()) as SimulatorState;
    expect(state.portal).toEqual({ loginsSucceeded: 1, loginsFailed: 1, ticketsIssued: 1, userInfoCalls: 1 });
    expect(state).toEqual(simulator.state());

    simulator.reset();
    expect(simulator.state().portal).toEqual({ loginsSucceeded: 0, loginsFailed: 0, ticketsIssued: 0, userInfoCalls: 0 });
    expect((await browser.get(`${simulator.portalUrl}/`)).status).toBe(200);
    expect((await callUserInfo(simulator, session)).status).toBe(200);
  });
});
