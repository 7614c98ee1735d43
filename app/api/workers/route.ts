import { workersRoutes as routes } from '@/lib/handlers/routes';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
// A store command or two; never calls a worker.
export const maxDuration = 10;

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routes;
