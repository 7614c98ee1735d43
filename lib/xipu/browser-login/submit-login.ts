import type { Page } from 'puppeteer-core';
import { BrowserLoginError } from './browser-login-error';
import { LOGIN_FORM } from './login-form';
import type { StepLimits } from './run-login-step';
import { waitForElement } from './wait-for-element';

/** What the page shows once the submitted form has been answered. */
export interface LoginOutcome {
  /** The SSO's visible error text, when it shows one. */
  errorMessage?: string;
  /** The login form is still on the page. */
  formShown: boolean;
}

/**
 * Step `submit-login`: clicks the SSO's login button and waits for the answer: a navigation
 * (on success, through the portal's ticket callback back to the portal) or the SSO's error
 * message appearing without one.
 *
 * @throws BrowserLoginError (not retryable) carrying the SSO's error text when it refuses the
 *   credentials, or when the form is still shown after submitting.
 */
export async function submitLogin(page: Page, limits: StepLimits): Promise<void> {
  const button = await waitForElement(page, LOGIN_FORM.submitButton, 'the login button', limits);
  const waitOptions = { timeout: limits.timeoutMs, signal: limits.signal };
  const navigation = page.waitForNavigation({ ...waitOptions, waitUntil: 'load' });
  const errorShown = page.waitForSelector(LOGIN_FORM.errorMessage, { ...waitOptions, visible: true });
  // Either may reject once the step has moved on (the race below lost, or the click failed).
  navigation.catch(() => undefined);
  errorShown.catch(() => undefined);
  // A message the SSO showed before the click (a notice, a previous error) is no answer to it.
  const errorShownBefore = (await readLoginOutcome(page)).errorMessage !== undefined;
  await button.click();
  await (errorShownBefore ? navigation : Promise.race([navigation, errorShown]));

  const outcome = await readLoginOutcome(page);
  if (outcome.errorMessage !== undefined) {
    throw new BrowserLoginError({
      step: 'submit-login',
      detail: `the SSO refused the login: '${outcome.errorMessage}'`,
      retryable: false,
    });
  }
  if (outcome.formShown) {
    throw new BrowserLoginError({
      step: 'submit-login',
      detail: 'the login form is still shown after submitting, without an error message',
      retryable: false,
    });
  }
}

/**
 * Reads the SSO's verdict from the page. A page that is navigating on (the portal's own
 * redirects) cannot be read and counts as past the form.
 */
export async function readLoginOutcome(page: Page): Promise<LoginOutcome> {
  try {
    return await page.evaluate((form) => {
      const error = document.querySelector(form.errorMessage);
      const errorText = error?.checkVisibility() ? (error.textContent ?? '').replace(/\s+/g, ' ').trim() : '';
      return {
        ...(errorText === '' ? {} : { errorMessage: errorText }),
        formShown: document.querySelector(form.usernameField) !== null,
      };
    }, LOGIN_FORM);
  } catch {
    return { formShown: false };
  }
}
