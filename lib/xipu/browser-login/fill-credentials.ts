import type { ElementHandle, Page } from 'puppeteer-core';
import { LOGIN_FORM } from './login-form';
import type { StepLimits } from './run-login-step';
import { waitForElement } from './wait-for-element';

/**
 * Step `fill-credentials`: waits for the SSO form and types the username and password into
 * it (typing, not setting values, so the form's own scripts see input events).
 *
 * @throws Error "the login form did not appear: page title '…'" when another page showed up.
 */
export async function fillCredentials(
  page: Page,
  credentials: { username: string; password: string },
  limits: StepLimits,
): Promise<void> {
  const usernameField = await waitForElement(page, LOGIN_FORM.usernameField, 'the login form', limits);
  const passwordField = await waitForElement(page, LOGIN_FORM.passwordField, 'the password field', limits);
  await typeInto(usernameField, credentials.username);
  await typeInto(passwordField, credentials.password);
}

async function typeInto(field: ElementHandle<Element>, value: string): Promise<void> {
  await field.evaluate((input) => {
    (input as HTMLInputElement).value = '';
  });
  await field.type(value);
}
