import type { Page } from 'puppeteer-core';
import { untilAborted } from '@/lib/pacing/until-aborted';

/** The largest screenshot a BrowserLoginError carries (it may travel in logs or a status page). */
export const MAX_SCREENSHOT_BYTES = 150 * 1024;

/** A whole screenshot may not take longer than this: the page is in an unknown state. */
export const SCREENSHOT_TIMEOUT_MS = 5_000;

/** One try: JPEG quality, and a scale applied to the viewport-sized clip. */
export interface ScreenshotAttempt {
  quality: number;
  scale: number;
}

/** Lower quality first, then shrink the picture, until it fits. */
export const SCREENSHOT_ATTEMPTS: readonly ScreenshotAttempt[] = [
  { quality: 80, scale: 1 },
  { quality: 60, scale: 1 },
  { quality: 40, scale: 1 },
  { quality: 25, scale: 1 },
  { quality: 40, scale: 0.5 },
  { quality: 20, scale: 0.5 },
  { quality: 20, scale: 0.25 },
  { quality: 10, scale: 0.125 },
];

/**
 * A JPEG of the page's viewport no larger than `maxBytes`, for diagnosing a failed login.
 *
 * @returns the image, or undefined when the page cannot be captured (closed, crashed, hung
 *   past `timeoutMs`) or no attempt fits. Never throws.
 */
export async function captureFailureScreenshot(
  page: Page,
  options: { maxBytes?: number; timeoutMs?: number } = {},
): Promise<Uint8Array | undefined> {
  const maxBytes = options.maxBytes ?? MAX_SCREENSHOT_BYTES;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? SCREENSHOT_TIMEOUT_MS);
  const capture = async () => {
    const viewport = await readViewport(page);
    return fitScreenshot(
      (attempt) =>
        page.screenshot({
          type: 'jpeg',
          quality: attempt.quality,
          // A clip only to scale down, captured as is: with a clip and without
          // captureBeyondViewport, puppeteer first evaluates in the page, which fails while
          // the page is navigating (a step that timed out mid-navigation).
          ...(attempt.scale === 1 ? {} : { clip: { x: 0, y: 0, ...viewport, scale: attempt.scale }, captureBeyondViewport: true }),
        }),
      { maxBytes },
    );
  };
  try {
    return await untilAborted(capture(), timeout);
  } catch {
    return undefined;
  }
}

/**
 * Takes `attempts` in order and returns the first image of at most `maxBytes`.
 *
 * @returns undefined when none fits.
 * @throws what `shoot` throws.
 */
export async function fitScreenshot(
  shoot: (attempt: ScreenshotAttempt) => Promise<Uint8Array>,
  options: { maxBytes: number; attempts?: readonly ScreenshotAttempt[] },
): Promise<Uint8Array | undefined> {
  for (const attempt of options.attempts ?? SCREENSHOT_ATTEMPTS) {
    const image = await shoot(attempt);
    // A plain copy: puppeteer returns a Buffer, possibly a slice of a shared pool.
    if (image.byteLength <= options.maxBytes) return new Uint8Array(image);
  }
  return undefined;
}

async function readViewport(page: Page): Promise<{ width: number; height: number }> {
  const viewport = page.viewport();
  if (viewport) return { width: viewport.width, height: viewport.height };
  return page.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight }));
}
