import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findLocalChromium, launchChromium, LOCAL_CHROMIUM_ARGS, LOCAL_CHROMIUM_PATHS } from '@/lib/xipu/browser-login/launch-chromium';
import { closeBrowser } from '@/lib/xipu/browser-login/close-browser';
import { isBrowserGone, profileDirectory, TEST_CHROMIUM_PATH } from './track-browsers';

describe('findLocalChromium', () => {
  it('takes the first candidate that exists', () => {
    const existing = new Set(['/usr/bin/google-chrome', '/usr/bin/chromium-browser']);
    expect(findLocalChromium(LOCAL_CHROMIUM_PATHS, (path) => existing.has(path))).toBe('/usr/bin/chromium-browser');
  });

  it('names every path it tried and CHROMIUM_PATH when none exists', () => {
    expect(() => findLocalChromium(LOCAL_CHROMIUM_PATHS, () => false)).toThrow(
      'No Chromium found (tried /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome, ' +
        '/usr/bin/google-chrome-stable, /Applications/Google Chrome.app/Contents/MacOS/Google Chrome). ' +
        'Install Chromium or Chrome, or set CHROMIUM_PATH to its executable.',
    );
  });

  it('finds the Debian Chromium of these machines', () => {
    expect(findLocalChromium()).toBe(TEST_CHROMIUM_PATH);
  });
});

describe('launchChromium (local)', () => {
  it('starts headless Chromium with the documented flags and a temporary profile it removes on close', async () => {
    const browser = await launchChromium({ executablePath: TEST_CHROMIUM_PATH });
    const spawnArguments = browser.process()?.spawnargs ?? [];
    const profile = profileDirectory(browser) ?? '';
    try {
      expect(spawnArguments).toEqual(expect.arrayContaining([...LOCAL_CHROMIUM_ARGS, '--headless=new']));
      expect(spawnArguments.filter((argument) => argument.startsWith('--user-data-dir='))).toHaveLength(1);
      expect(profile).toMatch(/puppeteer_dev_chrome_profile-/);
      expect(existsSync(profile)).toBe(true);
      expect(await browser.version()).toMatch(/Chrom/);
    } finally {
      await closeBrowser(browser);
    }
    expect(isBrowserGone(browser)).toBe(true);
    expect(existsSync(profile)).toBe(false);
  });

  it('rejects an executable path that does not exist', async () => {
    await expect(launchChromium({ executablePath: '/nonexistent/chromium' })).rejects.toThrow('/nonexistent/chromium');
  });
});

describe('launchChromium (hosted: @sparticuz/chromium)', () => {
  // Its Chromium is a Linux x64 build; it unpacks to /tmp (about 3 s the first time).
  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'starts the bundled headless shell',
    async () => {
      const browser = await launchChromium({ hosted: true });
      try {
        expect(await browser.version()).toMatch(/^HeadlessChrome\//);
        // `headless: 'shell'` is puppeteer's plain `--headless`; `--single-process` is one of chromium.args.
        expect(browser.process()?.spawnargs).toEqual(expect.arrayContaining(['--headless', '--single-process']));
      } finally {
        await closeBrowser(browser);
      }
      expect(isBrowserGone(browser)).toBe(true);
    },
    30_000,
  );
});
