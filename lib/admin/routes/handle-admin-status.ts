import { readLoginState } from '@/lib/xipu/credentials/credential-records';
import type { AdminHandler } from './admin-route';
import { adminJson } from './admin-responses';
import { readLoginProgress } from '@/lib/xipu/credentials/login-progress';
import { findXipuAccount } from '@/lib/gateway/build-gateway-context';
import { isAdmin, readAdminAccess } from '../access/read-admin-access';

/**
 * GET /admin/status: the running login's progress as JSON, for the page's script that
 * polls it every second while a login runs. Admin only (401 otherwise); never cached; a
 * cross-site page cannot read it (no CORS) nor send the SameSite=Strict cookie with it.
 */
export const handleAdminStatus: AdminHandler = async (request, { config, context, dependencies }) => {
  const now = dependencies.now();
  if (!isAdmin(await readAdminAccess(config, request.headers.get('cookie'), now))) return adminJson({ error: 'not signed in' }, 401);
  const account = findXipuAccount(context, new URL(request.url).searchParams.get('account'));
  const [progress, state] = await Promise.all([readLoginProgress(account, now), readLoginState(account)]);
  return adminJson({
    now,
    progress: progress ?? null,
    login: state ? { outcome: state.outcome, attemptedAt: state.attemptedAt, failedStep: state.failedStep ?? null, message: state.message ?? null } : null,
  });
};
