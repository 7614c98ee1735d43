import { adminLogInRoute } from '@/lib/admin/routes/browser-log-in-route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
// The browser login runs in after(): Chromium's start plus the SSO pages, like /api/login.
export const maxDuration = 300;

/** POST /admin/actions/log-in: starts a browser login now, ignoring the back-off. */
export const POST = adminLogInRoute;
