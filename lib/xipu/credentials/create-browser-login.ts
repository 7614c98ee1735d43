import type { GatewayConfig } from '@/lib/config/env';
import type { PerformLogin } from './start-login';

/**
 * The production login: headless Chromium through the school's SSO. Only the login and
 * keep-alive routes import this module; the browser package itself loads lazily.
 */
export function createBrowserLogin(config: GatewayConfig, onStep?: (event: { step: string; status: string; elapsedMs: number }) => void): PerformLogin {
  return async () => {
    const { loginWithBrowser, launchChromium } = await import('@/lib/xipu/browser-login/login-with-browser');
    const { username, password, portalUrl } = config.xipu;
    if (!username || !password) throw new Error('XJTLU_USERNAME and XJTLU_PASSWORD are not set');
    return loginWithBrowser({
      portalUrl,
      username,
      password,
      launch: () => launchChromium({ hosted: config.hosted, executablePath: config.login.chromiumPath }),
      onStep,
    });
  };
}
