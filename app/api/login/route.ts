import { loginRoutes as routes } from '@/lib/handlers/internal-routes';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
// Chromium's start (~3 s unpacking on Vercel) plus the SSO pages; see next.config.mjs for its files.
export const maxDuration = 300;

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routes;
