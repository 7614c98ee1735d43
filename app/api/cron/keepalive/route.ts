import { keepaliveRoutes as routes } from '@/lib/handlers/internal-routes';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
// A login may run here too; it fits with room for the heartbeat and the sweep.
export const maxDuration = 300;

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routes;
