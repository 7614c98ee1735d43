import type { Browser } from 'puppeteer-core';
import { launchChromium } from '@/lib/browser-login/launch-chromium';

/** The Debian Chromium these machines have — docs/stack-notes "Headless Chromium". */
export const TEST_CHROMIUM_PATH = '/usr/bin/chromium';

/** A launcher that records every browser it starts, to check afterwards that each was closed. */
export function trackBrowsers(launch: () => Promise<Browser> = () => launchChromium({ executablePath: TEST_CHROMIUM_PATH })): {
  launch: () => Promise<Browser>;
  browsers: Browser[];
} {
  const browsers: Browser[] = [];
  return {
    browsers,
    launch: async () => {
      const browser = await launch();
      browsers.push(browser);
      return browser;
    },
  };
}

/** The browser is disconnected and its process has exited (or was killed). */
export function isBrowserGone(browser: Browser): boolean {
  const child = browser.process();
  const processGone = child === null || child.exitCode !== null || child.signalCode !== null || child.killed;
  return processGone && !browser.connected;
}
