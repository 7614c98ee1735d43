import type { CreateLogin } from './start-login';

/**
 * The production login: headless Chromium through the school's SSO, with the account's
 * username and password. Only the login and keep-alive routes import this module; the
 * browser package itself loads lazily.
 */
export const createBrowserLogin: CreateLogin = (account, onStep) => {
  return async () => {
    const { loginWithBrowser, launchChromium } = await import('@/lib/xipu/browser-login/login-with-browser');
    const { username, password, portalUrl } = account.upstream;
    if (!username || !password) throw new Error('XJTLU_USERNAME and XJTLU_PASSWORD are not set');
    return loginWithBrowser({
      portalUrl,
      username,
      password,
      launch: () => launchChromium({ hosted: account.hosted, executablePath: account.login.chromiumPath }),
      onStep,
    });
  };
};
