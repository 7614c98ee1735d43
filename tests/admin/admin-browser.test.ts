import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '@/lib/xipu/browser-login/launch-chromium';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { PER_CHAT_SESSIONS, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

/**
 * The admin page in a real headless Chromium against `next start` of the built gateway,
 * pointed at the simulator (API, login portal and SSO): sign in, every panel with live data,
 * every action, a client key created in the Keys panel and used, a cross-site form refused, and screenshots at desktop and phone widths in
 * test-artifacts/admin/ (gitignored) for a person to look at. Needs `npx next build` first.
 */
const ADMIN_PASSWORD = 'browser-test-admin-password';
const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts/admin');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

let simulator: SimulatorHandle;
let gateway: GatewayProcess;
let browser: Browser;
let page: Page;
let otherSite: Server | undefined;
/** Script errors and console errors of the admin page (hydration problems would show here). */
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1, tokenLifetimeSeconds: 3_600 });
  gateway = await startGatewayProcess({
    XJTLU_USERNAME: simulator.portalAccount.username,
    XJTLU_PASSWORD: simulator.portalAccount.password,
    XIPU_PORTAL_URL: simulator.portalUrl,
    XIPU_API_BASE: simulator.apiBase,
    ADMIN_PASSWORD,
    CRON_SECRET: 'browser-test-cron-secret',
    UPSTREAM_MIN_GAP_MS: '50',
    UPSTREAM_ANSWER_ALLOWANCE_MS: '40',
    // The panels are checked against sessions that end with their chat (the pool has its own tests).
    ...PER_CHAT_SESSIONS,
  });
  browser = await launchChromium({});
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error instanceof Error ? error.message : String(error)}`));
  page.on('console', (message) => {
    // The gateway has no favicon; Chromium asks for one on its own.
    if (message.type() === 'error' && !message.location().url?.endsWith('/favicon.ico')) pageErrors.push(`console: ${message.text()} (${message.location().url ?? ''})`);
  });
  await page.setViewport(DESKTOP);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await simulator?.close();
  await new Promise<void>((resolve) => (otherSite ? otherSite.close(() => resolve()) : resolve()));
});

const textOf = (selector: string) => page.$eval(selector, (element) => element.textContent ?? '');
const reasonOf = (panel: string) => textOf(`#${panel} .reason`);

async function chat(content: string, key?: string) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ model: 'gpt-4.1', messages: [{ role: 'user', content }] }),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * Clicks a submit button and waits until the browser shows the page the POST redirected to.
 * (Not waitForNavigation: Next's client router replaces the history entry after hydration,
 * a same-document navigation that would end that wait early.)
 */
async function submit(selector: string) {
  const before = page.url();
  await page.click(selector);
  await page.waitForFunction((previous) => location.href !== previous && document.readyState === 'complete', {}, before);
}

/** Presses an action's button and waits for the redirect back to the page. */
async function press(action: string) {
  await submit(`form[action="/admin/actions/${action}"] button`);
  expect(new URL(page.url()).pathname).toBe('/admin');
  return textOf('#action-result');
}

async function screenshot(name: string, viewport = DESKTOP) {
  await page.setViewport(viewport);
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  await page.setViewport(DESKTOP);
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the admin page in Chromium', () => {
  it('a chat first (the gateway logs in through the simulator portal), so every panel has data', async () => {
    const { status, body } = await chat('SIM-REPLY: hello admin');
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.choices[0].message.content).toBe('hello admin');
  }, 60_000);

  it('without a session: only the sign-in form, never cached; a wrong password is refused', async () => {
    const response = await page.goto(`${gateway.url}/admin`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['cache-control']).toContain('no-store');
    const html = await page.content();
    expect(html).toContain('Admin password');
    for (const leak of ['Upstream credentials', 'Heartbeat', 'Sessions', 'gpt-4.1', simulator.portalAccount.username]) expect(html).not.toContain(leak);
    expect(await page.$('form[action="/admin/actions/heartbeat"]')).toBeNull();
    await screenshot('signin-desktop');
    await screenshot('signin-phone', PHONE);

    await page.type('#password', 'not-the-password');
    await submit('form[action="/admin/sign-in"] button');
    expect(await page.content()).toContain('Wrong password.');
    expect(await page.$('#credentials')).toBeNull();
  });

  it('signs in: a session cookie (HttpOnly, SameSite=Strict) and every panel with live data', async () => {
    await page.type('#password', ADMIN_PASSWORD);
    await submit('form[action="/admin/sign-in"] button');
    const cookies = await browser.cookies();
    const session = cookies.find((cookie) => cookie.name === 'xipu-admin');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(session!.expires - Date.now() / 1000).toBeGreaterThan(11.9 * 3_600);

    expect(await reasonOf('credentials')).toMatch(/^Valid for 59 min|^Expires in/);
    expect(await textOf('#credentials')).toContain('automatic login');
    expect(await textOf('#credentials')).toMatch(/eyJ.…/);
    expect(await reasonOf('login')).toMatch(/^Succeeded .* ago in /);
    expect(await reasonOf('heartbeat')).toContain('No heartbeat yet');
    expect(await reasonOf('pacer')).toMatch(/^Idle|call\(s\) waiting/);
    expect(await reasonOf('sessions')).toBe('No session open; none left behind.');
    expect(await textOf('#sessions')).toContain('XIPU has no endpoint that lists');
    expect(await reasonOf('traffic')).toMatch(/^1 request\(s\) in 24 h, 0 error\(s\)/);
    expect(await page.$('#traffic svg.chart rect')).not.toBeNull();
    expect(await textOf('#traffic')).toMatch(/Last requests.*gpt-4\.1/);
    expect(await reasonOf('reachability')).toContain('Not checked yet');
    const configuration = await textOf('#configuration');
    for (const expected of ['memory (this process)', '0 3 * * *', 'daily at 03:00 UTC', 'ADMIN_PASSWORD', 'CRON_SECRET', 'Version']) expect(configuration).toContain(expected);
    expect(configuration).not.toContain(ADMIN_PASSWORD);
    expect(configuration).not.toContain('browser-test-cron-secret');
    // One line per panel at a glance, the session pool's included (off here: PER_CHAT_SESSIONS),
    // and the providers' (one account: no list of accounts above it).
    expect(await page.$$eval('.glance li', (items) => items.length)).toBe(11);
    expect(await reasonOf('providers')).toMatch(/every endpoint can take a call/i);
    expect(await reasonOf('sessionPool')).toMatch(/off/i);
    expect(await textOf('.overall')).toMatch(/OK|Check|Problem/i);
  });

  it('heartbeat now', async () => {
    expect(await press('heartbeat')).toMatch(/Heartbeat OK: session …?\d+…?\d* created/);
    expect(await reasonOf('heartbeat')).toMatch(/^Last beat (just now|\d+ s ago) \(session created\)/);
    expect(await textOf('#credentials')).toContain('by the heartbeat');
  });

  it('sweep now: deletes a session whose cleanup failed', async () => {
    expect(await press('sweep')).toContain('Nothing to sweep');
    simulator.injectFaults({ endpoint: 'delSession', kind: 'status', status: 502 });
    const before = simulator.state().calls.delSession;
    // The heartbeat session stays open upstream (and is never swept): count from here.
    const openBefore = simulator.state().sessionsOpen;
    expect((await chat('SIM-REPLY: leave one behind')).status).toBe(200);
    await until(() => simulator.state().calls.delSession > before, 'the failed delete');
    await until(async () => {
      await page.goto(`${gateway.url}/admin#sessions`);
      return (await reasonOf('sessions')).includes('left behind with an expired lease');
    }, 'the session to show as left behind');
    expect(simulator.state().sessionsOpen).toBe(openBefore + 1);
    await screenshot('desktop-session-left-behind');
    expect(await press('sweep')).toContain('Swept 1 expired session(s).');
    expect(simulator.state().sessionsOpen).toBe(openBefore);
    expect(await textOf('#sessions')).toMatch(/1 deleted \(1 in all\)/);
  }, 60_000);

  it('check reachability', async () => {
    expect(await press('check-reachability')).toMatch(/^.*Reachable — XIPU API host: HTTP \d+ in \d+ ms; Login portal \(SSO\): HTTP \d+/);
    expect(await reasonOf('reachability')).toContain('Both hosts answered');
  });

  it('a failed login: the failed step, its screenshot, the back-off; then clear the back-off', async () => {
    simulator.injectFaults({ kind: 'login-refused' });
    expect(await press('log-in')).toContain('Login started');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('login') === 'finished', { timeout: 60_000 });
    await page.waitForSelector('#login .reason');
    expect(await reasonOf('login')).toMatch(/^Failed at step submit-login .* Backed off: next automatic attempt in/);
    const image = await page.waitForSelector('#login img.screenshot');
    await page.waitForFunction((element) => (element as HTMLImageElement).complete, {}, image);
    expect(await image!.evaluate((element) => (element as HTMLImageElement).naturalWidth)).toBeGreaterThan(100);
    await screenshot('desktop-login-failed');

    expect(await press('clear-backoff')).toContain('Cleared the login back-off');
    expect(await reasonOf('login')).toContain('The next automatic attempt may run now.');
    expect(await textOf('#login dl')).toContain('Back-offnone');
  }, 90_000);

  it('paste credentials by hand', async () => {
    const pair = simulator.mintCredentials({ account: simulator.portalAccount.username, lifetimeSeconds: 7_200 });
    await page.click('#credentials summary');
    await page.type('#jm-token', pair.jmToken);
    await page.type('#sdp-app-session', pair.sdpSession);
    await submit('form[action="/admin/actions/save-credentials"] button');
    expect(await textOf('#action-result')).toMatch(/Saved the pasted pair; the token expires in (2 h|1 h 59 min)\./);
    expect(page.url()).not.toContain(pair.jmToken);
    expect(await textOf('#credentials')).toContain('pasted by hand on this page');
    expect(await page.content()).not.toContain(pair.jmToken);
    expect((await chat('SIM-REPLY: with the pasted pair')).status).toBe(200);
  }, 30_000);

  it('log in now: the steps show as they run, then success', async () => {
    // A slow portal makes the login take a few seconds, so its progress can be watched.
    simulator.injectFaults({ kind: 'portal-slow', ms: 700, times: 4 });
    expect(await press('log-in')).toContain('Login started');
    expect(await page.$$eval('#login-steps li', (items) => items.length)).toBe(7);
    await page.waitForSelector('#login-steps li[data-state="done"]', { timeout: 30_000 });
    const midway = await page.$$eval('#login-steps li', (items) => items.map((item) => item.getAttribute('data-state')));
    expect(midway).toContain('done');
    expect(midway.some((state) => state === 'running' || state === 'pending')).toBe(true);
    await screenshot('desktop-login-in-progress');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('login') === 'finished', { timeout: 60_000 });
    await page.waitForSelector('#login .reason');
    expect(await reasonOf('login')).toMatch(/^Succeeded (just now|\d+ s ago) in \d+ s\./);
    expect(await page.$$eval('#login-steps li', (items) => items.map((item) => item.getAttribute('data-state')))).toEqual(Array(7).fill('done'));
    expect(await textOf('#login-progress-status')).toBe('This login succeeded.');
    expect(await textOf('#credentials')).toContain('automatic login');
  }, 90_000);

  // After every anonymous chat above: once a managed key exists, every request needs a key.
  it('client keys: a key created in the panel is shown once, then listed with its usage and last request after one chat', async () => {
    await page.goto(`${gateway.url}/admin#keys`);
    expect(await reasonOf('keys')).toContain('No client key yet');
    await page.type('#new-key-name', 'browser-key');
    await page.type('#new-key-models', 'gpt-4.1');
    await page.type('#new-key-rpm', '30');
    await submit('form[action="/admin/actions/create-key"] button');
    expect(new URL(page.url()).pathname).toBe('/admin/actions/create-key');
    const key = (await textOf('#one-time-secret')).trim();
    expect(key).toMatch(/^sk-[A-Za-z0-9_-]{32}$/);
    expect(page.url()).not.toContain(key.slice(3));
    await screenshot('desktop-key-created');
    // Phone width without isMobile: changing that makes Chromium reload, which would send the form again.
    await screenshot('phone-key-created', { width: PHONE.width, height: PHONE.height });
    // A reload of that answer sends the form again: no second key, and the key is not shown again.
    await page.reload();
    await page.waitForFunction(() => location.pathname === '/admin' && document.readyState === 'complete');
    expect(await textOf('#action-result')).toContain('nothing new was created');
    expect(await page.content()).not.toContain(key.slice(3));

    const { status, body } = await chat('SIM-REPLY: with a managed key', key);
    expect(status, JSON.stringify(body)).toBe(200);
    expect((await chat('SIM-REPLY: without a key')).status).toBe(401);
    // The usage is written after the response (after()): reload until it shows.
    await until(async () => {
      await page.goto(`${gateway.url}/admin#keys`);
      return (await textOf('#keys [data-usage-of]')).replace(/\s+/g, ' ').startsWith('browser-key1');
    }, 'the key\'s usage on the page');
    expect(await reasonOf('keys')).toBe('1 managed key(s), 0 from API_KEYS; managed keys today: 1 request(s), 0 error(s).');
    expect(await textOf('#keys table')).toMatch(/browser-key\s*key_[0-9a-f]{16}\s*active\s*gpt-4\.1\s*30/);
    await page.click('#keys details.key-details > summary');
    expect(await page.$('#keys details.key-details svg.chart rect')).not.toBeNull();
    expect(await textOf('#keys details.key-details')).toMatch(/Last requests.*gpt-4\.1\s*200/s);
    expect(await page.content()).not.toContain(key.slice(3));
    await (await page.$('#keys'))!.screenshot({ path: path.join(ARTIFACTS, 'desktop-panel-keys.png') });
    await page.setViewport(PHONE);
    await (await page.$('#keys'))!.screenshot({ path: path.join(ARTIFACTS, 'phone-panel-keys.png') });
    await page.setViewport(DESKTOP);
  }, 60_000);

  it('screenshots at desktop and phone widths', async () => {
    await page.goto(`${gateway.url}/admin`);
    await screenshot('desktop');
    await screenshot('phone', PHONE);
    await page.goto(`${gateway.url}/admin`);
    await page.setViewport(PHONE);
    // Nothing may be wider than the phone's screen (tables scroll inside their own box).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    // The full page is very tall at this width: the first screen and each panel on their own too.
    await page.screenshot({ path: path.join(ARTIFACTS, 'phone-first-screen.png') });
    for (const panel of ['credentials', 'login', 'heartbeat', 'pacer', 'sessions', 'reachability', 'traffic', 'keys', 'configuration']) {
      await (await page.$(`#${panel}`))!.screenshot({ path: path.join(ARTIFACTS, `phone-panel-${panel}.png`) });
    }
    await page.setViewport(DESKTOP);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('the page ran without script errors (hydration included)', () => {
    expect(pageErrors).toEqual([]);
  });

  it('a form on another site that auto-submits to an action is refused', async () => {
    const target = `${gateway.url}/admin/actions/heartbeat`;
    otherSite = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!doctype html><form id="f" method="post" action="${target}"><input name="x" value="1"></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => otherSite!.listen(0, '127.0.0.1', () => resolve()));
    // localhost is another site than 127.0.0.1 (the gateway's host).
    const evil = `http://localhost:${(otherSite.address() as AddressInfo).port}/`;
    const beatsBefore = simulator.state().calls.saveSession;
    const [response] = await Promise.all([page.waitForResponse((candidate) => candidate.url() === target), page.goto(evil)]);
    expect(response.request().method()).toBe('POST');
    expect(response.status()).toBe(403);
    await page.waitForFunction((url) => location.href === url && document.readyState === 'complete', {}, target);
    expect(await page.content()).toContain('Refused: cross-site request');
    expect(simulator.state().calls.saveSession).toBe(beatsBefore);
  });

  it('signs out', async () => {
    await page.goto(`${gateway.url}/admin`);
    await submit('form[action="/admin/actions/sign-out"] button');
    expect(await page.content()).toContain('Signed out.');
    expect(await page.$('#credentials')).toBeNull();
    expect((await browser.cookies()).find((cookie) => cookie.name === 'xipu-admin')).toBeUndefined();
  });
});
