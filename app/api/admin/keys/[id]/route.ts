import { adminKeyRoutes as routes } from '@/lib/handlers/routes';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
// One store command; never calls an upstream.
export const maxDuration = 10;

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routes;
