import { keepaliveHandler } from './keepalive';
import { loginHandler } from './login';
import { routeSet } from './route-set';

/**
 * The routes that may load the browser. Kept apart from routes.ts so the /v1 bundles never
 * trace puppeteer-core or Chromium (scripts/check-bundles.ts proves it on every build).
 */
export const loginRoutes = routeSet({ POST: loginHandler() }, { authenticate: false });
export const keepaliveRoutes = routeSet({ GET: keepaliveHandler() }, { authenticate: false });
