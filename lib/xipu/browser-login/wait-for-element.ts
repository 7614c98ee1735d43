import type { ElementHandle, Page } from 'puppeteer-core';
import type { StepLimits } from './run-login-step';
import { untilAborted } from '@/lib/pacing/until-aborted';

/** Reading the title of a page that may be hung must not eat the step's backstop grace. */
const TITLE_TIMEOUT_MS = 1_000;

/**
 * Waits, within the step's limits, for a visible element matching `selector`.
 *
 * @param description what the element is, for the error ("the login form").
 * @throws Error `<description> did not appear: page title '<title>'` (the page that showed
 *   up instead), with puppeteer's error as its cause.
 */
export async function waitForElement(
  page: Page,
  selector: string,
  description: string,
  limits: StepLimits,
): Promise<ElementHandle<Element>> {
  let element: ElementHandle<Element> | null;
  try {
    element = await page.waitForSelector(selector, { visible: true, timeout: limits.timeoutMs, signal: limits.signal });
  } catch (error) {
    throw new Error(`${description} did not appear: page title '${await readTitle(page)}'`, { cause: error });
  }
  // waitForSelector answers null only with `hidden: true`.
  if (!element) throw new Error(`${description} did not appear`);
  return element;
}

/** The page's title, or a placeholder when it cannot be read in time. */
export async function readTitle(page: Page): Promise<string> {
  try {
    return await untilAborted(page.title(), AbortSignal.timeout(TITLE_TIMEOUT_MS));
  } catch {
    return '(unreadable)';
  }
}
