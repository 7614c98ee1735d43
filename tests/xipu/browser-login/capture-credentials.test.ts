import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureCredentials, watchCredentialHeaders } from '@/lib/xipu/browser-login/capture-credentials';
import { closeBrowser } from '@/lib/xipu/browser-login/close-browser';
import { launchChromium } from '@/lib/xipu/browser-login/launch-chromium';
import { runLoginStep } from '@/lib/xipu/browser-login/run-login-step';
import { TEST_CHROMIUM_PATH } from './track-browsers';

/** Header sets the page's script sends, one request each, in order. */
type RequestPlan = Array<Record<string, string>>;

let server: Server;
let origin: string;
let browser: Browser;
let page: Page;

/** Serves `/page?plan=…`: a page that fetches `/api` once per entry of the plan, with those headers. */
beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://test.invalid');
    if (url.pathname === '/page') {
      const plan = url.searchParams.get('plan') ?? '[]';
      const script = `(async () => { for (const headers of ${plan}) await fetch('/api', { method: 'POST', headers, body: '{}' }); })();`;
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<title>chat</title><script>${script}</script>`);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end('{"code":0}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium({ executablePath: TEST_CHROMIUM_PATH });
});
afterAll(async () => {
  await closeBrowser(browser);
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(async () => {
  page = await browser.newPage();
});
afterEach(async () => {
  await page.close();
});

/** Opens the page with `plan` and runs the capture step with a short budget. */
async function capture(plan: RequestPlan) {
  const watch = watchCredentialHeaders(page);
  await page.goto(`${origin}/page?plan=${encodeURIComponent(JSON.stringify(plan))}`);
  return runLoginStep('capture-credentials', (limits) => captureCredentials(watch, limits), {
    timeoutMs: 400,
    now: Date.now,
    startedAt: Date.now(),
  });
}

describe('watchCredentialHeaders + captureCredentials', () => {
  it('takes the first request carrying both headers, whatever their case', async () => {
    await expect(
      capture([
        { 'X-Other': '1' },
        { 'Jm-Token': 'token-1', 'Sdp-App-Session': 'session-1' },
        { 'jm-token': 'token-2', 'sdp-app-session': 'session-2' },
      ]),
    ).resolves.toEqual({ jmToken: 'token-1', sdpSession: 'session-1' });
  });

  it.each<[name: string, plan: RequestPlan, seen: string]>([
    ['no request carries them', [{ 'X-Other': '1' }], 'neither was seen'],
    ['only the token is sent', [{ 'Jm-Token': 'token' }], 'only jm-token was seen'],
    ['only the session is sent', [{ 'Sdp-App-Session': 'session' }], 'only sdp-app-session was seen'],
    ['they come in separate requests', [{ 'Jm-Token': 'token' }, { 'Sdp-App-Session': 'session' }], 'each was seen, never together'],
  ])('fails capture-credentials when %s', async (_name, plan, seen) => {
    await expect(capture(plan)).rejects.toMatchObject({
      step: 'capture-credentials',
      detail: `no request of the page carried both jm-token and sdp-app-session within 400 ms (${seen})`,
    });
  });
});
