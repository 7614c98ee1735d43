import type { Page } from 'puppeteer-core';
import type { StepLimits } from './run-login-step';
import { waitForElement } from './wait-for-element';

/** A Naive UI button, as the ancestor clicked it to open a chat — docs/xipu-protocol "Login" 4. */
export const NEW_CHAT_BUTTON_SELECTOR = 'button:has(span.n-button__content)';
/** The chat's input; its appearance means the chat is open — docs/xipu-protocol "Login" 5. */
export const CHAT_INPUT_SELECTOR = 'textarea';

/**
 * Step `open-new-chat`: clicks the first new-chat button and waits for the chat's input.
 * Opening the chat makes the page call the API with the credentials.
 *
 * @throws Error "the new-chat button did not appear: …" or "the chat input did not appear: …".
 */
export async function openNewChat(page: Page, limits: StepLimits): Promise<void> {
  const button = await waitForElement(page, NEW_CHAT_BUTTON_SELECTOR, 'the new-chat button', limits);
  await button.click();
  await waitForElement(page, CHAT_INPUT_SELECTOR, 'the chat input', limits);
}
