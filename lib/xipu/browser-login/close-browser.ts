import type { Browser } from 'puppeteer-core';

/** How long a graceful close may take before the process is killed. */
export const BROWSER_CLOSE_TIMEOUT_MS = 10_000;

/**
 * Closes the browser and never throws: a graceful `close()` (which also removes puppeteer's
 * temporary profile), then SIGKILL for a launched process that is still alive.
 */
export async function closeBrowser(browser: Browser, timeoutMs = BROWSER_CLOSE_TIMEOUT_MS): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      browser.close(),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
  } catch {
    // Already closed or crashed: the kill below settles it.
  } finally {
    clearTimeout(timer);
    const child = browser.process();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
