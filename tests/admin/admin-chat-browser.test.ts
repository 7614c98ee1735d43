import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '@/lib/xipu/browser-login/launch-chromium';
import { startSimulator, type SimulatorHandle } from '@/simulator/start-simulator';
import { simulatedUpstreamEnvironment, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import { until } from '../support/until';

/**
 * The "Try a chat" panel of /admin in a real headless Chromium against `next start` of the
 * built gateway and the simulator: sign in, pick a model and send — the answer appears piece
 * by piece, then the timings; a reasoning model's reasoning apart; a key's allow-list refusal
 * in plain words; a chat as a managed key counted to it; Stop ends the upstream stream.
 * Screenshots at desktop and phone widths in test-artifacts/admin/ (gitignored). Needs
 * `npx next build` first.
 */
const ADMIN_PASSWORD = 'chat-browser-test-admin-password';
const ARTIFACTS = path.resolve(import.meta.dirname, '../../test-artifacts/admin');
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const REPLY = 'Streaming hello from the simulator, piece by piece.';

let simulator: SimulatorHandle;
let gateway: GatewayProcess;
let browser: Browser;
let page: Page;
let aliceId: string;
let narrowId: string;
const pageErrors: string[] = [];

async function adminApi(pathname: string, init: RequestInit = {}): Promise<any> {
  const response = await fetch(`${gateway.url}${pathname}`, {
    ...init,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_PASSWORD}`, ...init.headers },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`${pathname}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  simulator = await startSimulator({ minGapMs: 40, chunkDelayMs: 1 });
  gateway = await startGatewayProcess(simulatedUpstreamEnvironment(simulator, { ADMIN_PASSWORD, API_KEYS: 'laptop:sk-env-laptop-key-0123456789' }));
  aliceId = (await adminApi('/api/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'alice' }) })).id;
  narrowId = (await adminApi('/api/admin/keys', { method: 'POST', body: JSON.stringify({ name: 'nano-only', models: ['gpt-4.1-nano'] }) })).id;
  browser = await launchChromium({});
  page = await browser.newPage();
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error instanceof Error ? error.message : String(error)}`));
  page.on('console', (message) => {
    // Chromium logs every non-2xx fetch; the allow-list refusal below is provoked on purpose.
    const refusal = message.text().includes('status of 403') && message.location().url?.endsWith('/api/admin/chat');
    if (message.type() === 'error' && !refusal && !message.location().url?.endsWith('/favicon.ico')) pageErrors.push(`console: ${message.text()} (${message.location().url ?? ''})`);
  });
  await page.setViewport(DESKTOP);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  await simulator?.close();
});

const textOf = (selector: string) => page.$eval(selector, (element) => element.textContent ?? '');

/** Fills the panel and presses Send. */
async function send(options: { model: string; message: string; keyId?: string }) {
  await page.select('#chat-model', options.model);
  await page.select('#chat-key', options.keyId ?? '');
  await page.$eval('#chat-message', (element) => ((element as HTMLTextAreaElement).value = ''));
  await page.type('#chat-message', options.message);
  // Under touch emulation (the phone) Puppeteer's synthetic taps and clicks did not reach the
  // button here: the button's own click() there, a real click on the desktop.
  if (page.viewport()?.hasTouch) await page.$eval('#chat-send', (button) => (button as HTMLButtonElement).click());
  else await page.click('#chat-send');
}

/** Waits until the panel reports how the chat ended: done, failed or stopped. */
async function outcome(): Promise<string> {
  await page.waitForSelector('#chat-output[data-outcome]', { timeout: 30_000 });
  return page.$eval('#chat-output', (element) => element.getAttribute('data-outcome') ?? '');
}

/** The panel alone (at the current viewport: a change of isMobile would reload the page). */
async function screenshot(name: string) {
  await (await page.$('#chat'))!.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

describe('Try a chat on /admin, in Chromium', () => {
  it('signs in; the panel lists the models and the keys by name, never a key', async () => {
    await page.goto(`${gateway.url}/admin`);
    await page.type('#password', ADMIN_PASSWORD);
    await page.click('form[action="/admin/sign-in"] button');
    // The sign-in redirects to /admin itself: wait for the panel rather than for a new URL.
    await page.waitForSelector('#chat', { timeout: 30_000 });
    const models = await page.$$eval('#chat-model option', (options) => options.map((option) => (option as HTMLOptionElement).value));
    expect(models).toContain('gpt-4.1');
    expect(models).toContain('DeepSeek-R1');
    const keys = await page.$$eval('#chat-key option', (options) => options.map((option) => [(option as HTMLOptionElement).value, option.textContent]));
    expect(keys).toEqual([
      ['', 'none — as the admin'],
      [aliceId, 'alice (managed)'],
      [narrowId, 'nano-only (managed)'],
      ['laptop', 'laptop (API_KEYS)'],
    ]);
    expect(await page.content()).not.toContain('sk-env-laptop-key-0123456789');
  }, 60_000);

  it('sends: the answer appears piece by piece as it streams, then the timings', async () => {
    // Record every length the answer shows, to see it grow rather than arrive whole.
    await page.$eval('#chat-answer', (element) => {
      const lengths: number[] = [];
      (window as unknown as { answerLengths: number[] }).answerLengths = lengths;
      new MutationObserver(() => lengths.push((element.textContent ?? '').length)).observe(element, { childList: true, characterData: true, subtree: true });
    });
    await send({ model: 'gpt-4.1', message: `SIM-DELAY: 40\nSIM-REPLY: ${REPLY}` });
    await page.waitForFunction(() => (document.getElementById('chat-answer')?.textContent ?? '').length > 0, { timeout: 30_000 });
    expect(await page.$eval('#chat-send', (button) => (button as HTMLButtonElement).disabled)).toBe(true);
    expect(await page.$eval('#chat-stop', (button) => (button as HTMLButtonElement).disabled)).toBe(false);
    await screenshot('chat-streaming-desktop');
    expect(await outcome()).toBe('done');
    expect(await textOf('#chat-answer')).toBe(REPLY);
    const lengths = await page.evaluate(() => (window as unknown as { answerLengths: number[] }).answerLengths);
    expect(new Set(lengths.filter((length) => length > 0 && length < REPLY.length)).size).toBeGreaterThan(2);
    expect(await textOf('#chat-status')).toBe('Done.');
    expect(await page.$eval('#chat-reasoning', (element) => (element as HTMLElement).hidden)).toBe(true);
    expect(await page.$eval('#chat-timings', (element) => (element as HTMLElement).hidden)).toBe(false);
    expect(await textOf('#chat-timing-queue')).toMatch(/^\d+ ms \(2 turn\(s\) in the account's schedule\)$/);
    expect(await textOf('#chat-timing-first-byte')).toMatch(/^\d+ ms$/);
    expect(await textOf('#chat-timing-first-token')).toMatch(/^\d+ ms \(as this browser saw it\)$/);
    expect(await textOf('#chat-timing-total')).toMatch(/^\d+ ms$/);
    await screenshot('chat-desktop');
  }, 60_000);

  it('a reasoning model: the reasoning shows apart from the answer', async () => {
    await send({ model: 'DeepSeek-R1', message: 'SIM-REPLY: The answer is 42.' });
    expect(await outcome()).toBe('done');
    expect(await textOf('#chat-answer')).toBe('The answer is 42.');
    expect(await page.$eval('#chat-reasoning', (element) => (element as HTMLElement).hidden)).toBe(false);
    expect((await textOf('#chat-reasoning-text')).trim().length).toBeGreaterThan(0);
    expect(await textOf('#chat-answer')).not.toContain('think');
    await page.click('#chat-reasoning summary');
    await screenshot('chat-reasoning-desktop');
  }, 60_000);

  it("as a key whose allow-list refuses the model: the refusal in plain words, nothing sent upstream", async () => {
    const completionsBefore = simulator.state().calls.completions;
    await send({ model: 'gpt-4.1', message: 'hello', keyId: narrowId });
    expect(await outcome()).toBe('failed');
    expect(await textOf('#chat-status')).toMatch(/^Failed \(HTTP 403 model_not_allowed\): This key's allow-list does not include that model\. /);
    expect(simulator.state().calls.completions).toBe(completionsBefore);
    await screenshot('chat-refused-desktop');
  }, 30_000);

  it("as a managed key: the chat is counted to it (GET /api/admin/keys)", async () => {
    await send({ model: 'gpt-4.1', message: 'SIM-REPLY: as alice', keyId: aliceId });
    expect(await outcome()).toBe('done');
    expect(await textOf('#chat-answer')).toBe('as alice');
    // The usage is settled after the response has closed (after()).
    let requests = 0;
    await until(async () => {
      const { data } = await adminApi('/api/admin/keys');
      requests = data.find((entry: { id?: string }) => entry.id === aliceId).usage.today.requests;
      return requests > 0;
    }, "alice's usage", 5_000, 100);
    expect(requests).toBe(1);
  }, 30_000);

  it('Stop: the answer stops, and the gateway ends the upstream stream', async () => {
    const abortedBefore = simulator.state().abortedStreams;
    await send({ model: 'gpt-4.1', message: 'SIM-DELAY: 30\nSIM-LONG: 400' });
    await page.waitForFunction(() => (document.getElementById('chat-answer')?.textContent ?? '').length > 0, { timeout: 30_000 });
    await page.click('#chat-stop');
    expect(await outcome()).toBe('stopped');
    expect(await textOf('#chat-status')).toBe('Stopped.');
    await until(() => simulator.state().abortedStreams === abortedBefore + 1, 'the upstream stream to be aborted');
    await until(() => simulator.state().openStreams === 0, 'no upstream stream open');
    expect(await page.$eval('#chat-send', (button) => (button as HTMLButtonElement).disabled)).toBe(false);
  }, 30_000);

  it('at phone width: a chat with its reasoning, nothing wider than the screen; screenshots', async () => {
    await page.setViewport(PHONE); // reloads the page (isMobile)
    await page.goto(`${gateway.url}/admin`);
    await send({ model: 'DeepSeek-R1', message: 'SIM-REPLY: Answered on a phone.' });
    expect(await outcome()).toBe('done');
    expect(await textOf('#chat-answer')).toBe('Answered on a phone.');
    await page.$eval('#chat-reasoning summary', (summary) => (summary as HTMLElement).click());
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await screenshot('chat-phone');
    await page.screenshot({ path: path.join(ARTIFACTS, 'chat-page-phone.png'), fullPage: true });
    await page.setViewport(DESKTOP);
    await page.goto(`${gateway.url}/admin`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'chat-page-desktop.png'), fullPage: true });
    expect(overflow).toBeLessThanOrEqual(0);
  }, 60_000);

  it('ran without script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
