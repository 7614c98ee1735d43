import { healthRoutes as routes } from '@/lib/handlers/health-routes';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
// Reads a few store keys; never calls XIPU.
export const maxDuration = 10;

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routes;
