import { anthropicCountTokensRoutes as routes } from '@/lib/handlers/routes';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const maxDuration = 30;

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routes;
