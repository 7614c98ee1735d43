import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Where a local Chromium or Chrome usually lives (Debian, Ubuntu, Chrome packages, macOS). */
export const LOCAL_CHROMIUM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
] as const;

/**
 * Flags for a local Chromium — docs/stack-notes "Headless Chromium": `--no-sandbox` because
 * these machines run as root; the rest stop background traffic on closed networks.
 * puppeteer adds a fresh temporary `--user-data-dir` (no profile flag given) and removes it
 * when the browser exits, before `browser.close()` resolves.
 */
export const LOCAL_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

export interface LaunchChromiumOptions {
  /** On Vercel: launch `@sparticuz/chromium` (loaded only then). */
  hosted?: boolean;
  /** A local Chromium (the gateway passes CHROMIUM_PATH); default the first of `LOCAL_CHROMIUM_PATHS` that exists. */
  executablePath?: string;
}

/**
 * Launches headless Chromium the way docs/stack-notes "Headless Chromium" prescribes.
 *
 * @returns a connected browser; the caller must `close()` it, which also removes its
 *   temporary profile.
 * @throws Error naming every path tried when no local Chromium exists; puppeteer's launch
 *   error otherwise.
 */
export async function launchChromium(options: LaunchChromiumOptions = {}): Promise<Browser> {
  if (options.hosted) return launchHostedChromium();
  return puppeteer.launch({
    executablePath: options.executablePath ?? findLocalChromium(),
    headless: true,
    args: [...LOCAL_CHROMIUM_ARGS],
  });
}

/**
 * The first existing path of `candidates`.
 *
 * @throws Error listing every candidate and pointing to CHROMIUM_PATH when none exists.
 */
export function findLocalChromium(
  candidates: readonly string[] = LOCAL_CHROMIUM_PATHS,
  exists: (path: string) => boolean = existsSync,
): string {
  const found = candidates.find((path) => exists(path));
  if (found !== undefined) return found;
  throw new Error(
    `No Chromium found (tried ${candidates.join(', ')}). ` +
      'Install Chromium or Chrome, or set CHROMIUM_PATH to its executable.',
  );
}

/**
 * `@sparticuz/chromium` with puppeteer-core 25 — docs/stack-notes "Headless Chromium".
 * Imported here only, lazily, so nothing else bundles it; unpacking takes about 3 s.
 */
async function launchHostedChromium(): Promise<Browser> {
  const { default: chromium } = await import('@sparticuz/chromium');
  return puppeteer.launch({
    executablePath: await chromium.executablePath(),
    args: await puppeteer.defaultArgs({ args: chromium.args, headless: 'shell' }),
    headless: 'shell',
  });
}
