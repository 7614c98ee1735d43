import { adminKeysRoutes as routes } from '@/lib/handlers/routes';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
// A few store commands; never calls an upstream.
export const maxDuration = 10;

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routes;
