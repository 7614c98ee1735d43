import { existsSync } from 'node:fs';
import type { Browser } from 'puppeteer-core';
import { launchChromium } from '@/lib/xipu/browser-login/launch-chromium';

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

/** The temporary profile the browser was started with (puppeteer's `--user-data-dir`). */
export function profileDirectory(browser: Browser): string | undefined {
  const flag = browser.process()?.spawnargs.find((argument) => argument.startsWith('--user-data-dir='));
  return flag?.slice('--user-data-dir='.length);
}

/** The browser is disconnected, its process has exited (or was killed) and its temporary profile is removed. */
export function isBrowserGone(browser: Browser): boolean {
  const child = browser.process();
  const processGone = child === null || child.exitCode !== null || child.signalCode !== null || child.killed;
  const profile = profileDirectory(browser);
  return processGone && !browser.connected && (profile === undefined || !existsSync(profile));
}
