import { after } from 'next/server';
import type { AdminAction } from '../actions/admin-action';
import { checkReachability } from '../actions/check-reachability';
import { clearLoginBackoff } from '../actions/clear-login-backoff';
import { createKey } from '../actions/create-key';
import { heartbeatNow } from '../actions/heartbeat-now';
import type { CreateLogin } from '@/lib/xipu/credentials/start-login';
import { createLogInNow } from '../actions/log-in-now';
import { revokeKey } from '../actions/revoke-key';
import { saveManualCredentials } from '../actions/save-manual-credentials';
import { sweepNow } from '../actions/sweep-now';
import { updateKeyLimits } from '../actions/update-key-limits';
import { productionAdminDependencies, type AdminDependencies } from '../context/admin-dependencies';
import { adminRoute } from './admin-route';
import { handleAdminAction } from './handle-admin-action';
import { handleAdminStatus } from './handle-admin-status';
import { handleLoginScreenshot } from './handle-login-screenshot';
import { handleSignIn } from './handle-sign-in';

/**
 * The actions of POST /admin/actions/<name> (route handlers rather than server actions: each
 * checks auth and origin explicitly, and tests call them like any route). `log-in` has a
 * route of its own (createAdminLogInRoute) so only it bundles the browser; `sign-out` is
 * built into the action handler.
 */
export const ADMIN_ACTIONS: Readonly<Record<string, AdminAction>> = {
  heartbeat: heartbeatNow,
  sweep: sweepNow,
  'save-credentials': saveManualCredentials,
  'clear-backoff': clearLoginBackoff,
  'check-reachability': checkReachability,
  'create-key': createKey,
  'update-key': updateKeyLimits,
  'revoke-key': revokeKey,
};

/** Every admin route but log-in, on the given dependencies (tests pass the harness's). */
export function createAdminRoutes(dependencies: AdminDependencies) {
  return {
    /** POST /admin/sign-in */
    signIn: adminRoute(handleSignIn, dependencies),
    /** POST /admin/actions/[action] */
    action: adminRoute(handleAdminAction(ADMIN_ACTIONS), dependencies),
    /** GET /admin/status */
    status: adminRoute(handleAdminStatus, dependencies),
    /** GET /admin/login-screenshot */
    loginScreenshot: adminRoute(handleLoginScreenshot, dependencies),
  };
}

/** POST /admin/actions/log-in: starts a browser login (in `after()`), its steps recorded for the page. */
export function createAdminLogInRoute(dependencies: AdminDependencies, createLogin: CreateLogin) {
  return adminRoute(handleAdminAction({ 'log-in': createLogInNow(createLogin) }, { name: 'log-in' }), dependencies);
}

/** The admin routes as app/admin/** exports them, with Next's `after()` (no browser here: see browser-log-in-route.ts). */
export const adminRoutes = createAdminRoutes(productionAdminDependencies((task) => after(task)));
