import { adminRoutes } from '@/lib/admin/routes/route-table';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET /admin/login-screenshot: the JPEG of the last failed login's page. Admin only. */
export const GET = adminRoutes.loginScreenshot;
