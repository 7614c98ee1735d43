import { adminRoutes } from '@/lib/admin/admin-routes';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET /admin/login-screenshot: the JPEG of the last failed login's page. Admin only. */
export const GET = adminRoutes.loginScreenshot;
