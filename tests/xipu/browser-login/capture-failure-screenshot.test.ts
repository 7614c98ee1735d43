import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureFailureScreenshot,
  fitScreenshot,
  MAX_SCREENSHOT_BYTES,
  SCREENSHOT_ATTEMPTS,
  type ScreenshotAttempt,
} from '@/lib/xipu/browser-login/capture-failure-screenshot';
import { closeBrowser } from '@/lib/xipu/browser-login/close-browser';
import { launchChromium } from '@/lib/xipu/browser-login/launch-chromium';
import { LOGIN_VIEWPORT } from '@/lib/xipu/browser-login/launch-browser';
import { TEST_CHROMIUM_PATH } from './track-browsers';

const JPEG_MAGIC = [0xff, 0xd8, 0xff];

describe('fitScreenshot', () => {
  it('lowers the quality, then the scale, and returns the first image that fits', async () => {
    const tried: ScreenshotAttempt[] = [];
    // Pretend size: proportional to quality and to the scaled area.
    const shoot = async (attempt: ScreenshotAttempt) => {
      tried.push(attempt);
      return new Uint8Array(Math.round(attempt.quality * 10_000 * attempt.scale ** 2));
    };

    const image = await fitScreenshot(shoot, { maxBytes: 150_000 });

    expect(image?.byteLength).toBe(100_000);
    expect(tried).toEqual([
      { quality: 80, scale: 1 },
      { quality: 60, scale: 1 },
      { quality: 40, scale: 1 },
      { quality: 25, scale: 1 },
      { quality: 40, scale: 0.5 },
    ]);
  });

  it('gives up, without an image, when nothing fits', async () => {
    let shots = 0;
    const image = await fitScreenshot(async () => {
      shots += 1;
      return new Uint8Array(10);
    }, { maxBytes: 9 });

    expect(image).toBeUndefined();
    expect(shots).toBe(SCREENSHOT_ATTEMPTS.length);
  });
});

describe('captureFailureScreenshot (real Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium({ executablePath: TEST_CHROMIUM_PATH });
  });
  afterAll(async () => {
    await closeBrowser(browser);
  });

  it('caps a page that compresses badly (random noise) at 150 KB', async () => {
    const page = await browser.newPage();
    await page.setViewport(LOGIN_VIEWPORT);
    await page.setContent('<body style="margin:0"><canvas id="noise"></canvas></body>');
    await page.evaluate(() => {
      const canvas = document.getElementById('noise') as HTMLCanvasElement;
      canvas.width = window.innerWidth;
      canvas.height = window.innerHeight;
      const context = canvas.getContext('2d')!;
      const pixels = context.createImageData(canvas.width, canvas.height);
      for (let index = 0; index < pixels.data.length; index += 1) pixels.data[index] = Math.floor(Math.random() * 256);
      context.putImageData(pixels, 0, 0);
    });
    const uncapped = await page.screenshot({ type: 'jpeg', quality: 80 });
    expect(uncapped.byteLength).toBeGreaterThan(MAX_SCREENSHOT_BYTES);

    const image = await captureFailureScreenshot(page);

    expect(image).toBeInstanceOf(Uint8Array);
    expect(image!.byteLength).toBeLessThanOrEqual(MAX_SCREENSHOT_BYTES);
    expect([...image!.subarray(0, 3)]).toEqual(JPEG_MAGIC);
    // A tighter cap takes the scaled-down attempts.
    const small = await captureFailureScreenshot(page, { maxBytes: 40_000 });
    expect(small!.byteLength).toBeLessThanOrEqual(40_000);
    expect([...small!.subarray(0, 3)]).toEqual(JPEG_MAGIC);
    await page.close();
  });

  it('answers undefined for a page that is gone', async () => {
    const page = await browser.newPage();
    await page.close();

    await expect(captureFailureScreenshot(page)).resolves.toBeUndefined();
  });
});
