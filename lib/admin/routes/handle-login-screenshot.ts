import { findXipuAccount } from '@/lib/gateway/build-gateway-context';
import { readLoginScreenshot } from '@/lib/xipu/credentials/credential-records';
import type { AdminHandler } from './admin-route';
import { ADMIN_RESPONSE_HEADERS, adminMessagePage } from './admin-responses';
import { isAdmin, readAdminAccess } from '../access/read-admin-access';

/**
 * GET /admin/login-screenshot: the JPEG of the page where the last login failed (kept a
 * day), to the admin only — it may show the SSO page with the username. Never cached.
 */
export const handleLoginScreenshot: AdminHandler = async (request, { config, context, dependencies }) => {
  if (!isAdmin(await readAdminAccess(config, request.headers.get('cookie'), dependencies.now()))) {
    return adminMessagePage(401, 'Sign in first', 'The login screenshot is for the admin only.');
  }
  const jpeg = await readLoginScreenshot(findXipuAccount(context, new URL(request.url).searchParams.get('account')));
  if (!jpeg) return adminMessagePage(404, 'No screenshot', 'No failed login screenshot is kept (they last a day).');
  return new Response(new Uint8Array(jpeg), {
    headers: { ...ADMIN_RESPONSE_HEADERS, 'content-type': 'image/jpeg', 'content-length': String(jpeg.byteLength), 'content-disposition': 'inline; filename="login-failure.jpg"' },
  });
};
