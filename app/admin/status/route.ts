import { adminRoutes } from '@/lib/admin/routes/route-table';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** GET /admin/status: the running login's progress, for the page's polling script. Admin only. */
export const GET = adminRoutes.status;
