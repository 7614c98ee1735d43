import type { Browser, Page } from 'puppeteer-core';
import { closeBrowser } from './close-browser';
import type { StepLimits } from './run-login-step';
import { untilAborted } from '@/lib/pacing/until-aborted';

/**
 * A desktop-sized window: the ancestor drove a desktop Chrome, and a narrow layout may hide
 * the portal's navigation (docs/xipu-protocol "Login").
 */
export const LOGIN_VIEWPORT = { width: 1280, height: 800 } as const;

/** What the login has opened so far, so that it can always be closed. */
export interface OpenedBrowser {
  browser?: Browser;
  page?: Page;
}

/**
 * Step `launch-browser`: launches the browser and opens the login tab, recording each in
 * `opened` as soon as it exists. The tab presents a plain desktop Chrome user agent (the
 * ancestor sent one — docs/xipu-protocol "Hosts and headers"), not `HeadlessChrome`.
 *
 * @returns the tab. A browser that finishes launching after the step gave up is closed.
 */
export async function launchBrowser(
  launch: () => Promise<Browser>,
  limits: StepLimits,
  opened: OpenedBrowser,
): Promise<Page> {
  const launching = launch();
  try {
    opened.browser = await untilAborted(launching, limits.signal);
  } catch (error) {
    void launching.then(closeBrowser, () => undefined);
    throw error;
  }
  const page = await opened.browser.newPage();
  opened.page = page;
  await page.setViewport(LOGIN_VIEWPORT);
  const userAgent = (await opened.browser.userAgent()).replace('HeadlessChrome/', 'Chrome/');
  await page.setUserAgent({ userAgent });
  return page;
}
