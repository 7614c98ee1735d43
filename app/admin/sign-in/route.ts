import { adminRoutes } from '@/lib/admin/admin-routes';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** POST /admin/sign-in: password form → session cookie (lib/admin/handle-sign-in.ts). */
export const POST = adminRoutes.signIn;
