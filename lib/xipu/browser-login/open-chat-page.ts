import type { Page } from 'puppeteer-core';
import type { StepLimits } from './run-login-step';
import { waitForElement } from './wait-for-element';

/** The portal's link to the chat — docs/xipu-protocol "Login" 3. */
export const CHAT_LINK_SELECTOR = "a[href='/v3/chat']";

/**
 * Step `open-chat-page`: waits for the portal's chat link and clicks it. Whether the portal
 * then navigates or routes in the page is unknown, so the next step's waits absorb either.
 *
 * @throws Error "the chat link did not appear: page title '…'".
 */
export async function openChatPage(page: Page, limits: StepLimits): Promise<void> {
  const link = await waitForElement(page, CHAT_LINK_SELECTOR, 'the chat link', limits);
  await link.click();
}
