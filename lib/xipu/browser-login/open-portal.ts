import type { Page } from 'puppeteer-core';
import type { StepLimits } from './run-login-step';

/**
 * Step `open-portal`: loads the portal and follows its redirects to the school's SSO page
 * (docs/xipu-protocol "Login" 1).
 *
 * @throws when the page does not load in time, or the last response is an HTTP error.
 */
export async function openPortal(page: Page, portalUrl: string, limits: StepLimits): Promise<void> {
  const response = await page.goto(portalUrl, { waitUntil: 'load', timeout: limits.timeoutMs, signal: limits.signal });
  if (response && response.status() >= 400) {
    throw new Error(`the portal answered HTTP ${response.status()} at ${withoutQuery(response.url())}`);
  }
}

/** An address without its query (an SSO URL carries tickets and return addresses). */
export function withoutQuery(address: string): string {
  try {
    const url = new URL(address);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '(unparsable address)';
  }
}
