import { adminRoutes } from '@/lib/admin/routes/route-table';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST /admin/sign-in: password form → session cookie (lib/admin/routes/handle-sign-in.ts). */
export const POST = adminRoutes.signIn;
