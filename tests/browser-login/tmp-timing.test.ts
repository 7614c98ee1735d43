import { it } from 'vitest';
import { loginWithBrowser } from '@/lib/browser-login/login-with-browser';
import { captureFailureScreenshot } from '@/lib/browser-login/capture-failure-screenshot';
import { startSimulator } from '@/lib/simulator/start-simulator';
import { trackBrowsers } from './track-browsers';

it('timing', async () => {
  const simulator = await startSimulator({});
  simulator.injectFaults({ kind: 'portal-slow', ms: 3_000 });
  const tracked = trackBrowsers();
  const t = Date.now();
  await loginWithBrowser({ portalUrl: simulator.portalUrl, username: 'a', password: 'b', launch: tracked.launch, stepTimeoutMs: 1000,
    onStep: (e) => console.log(e, Date.now() - t) }).catch((error) => console.log(String(error), Date.now() - t));
  await simulator.close();
});
