// Calls an upstream or a worker (lib/handlers/embeddings.ts) without streaming: the longest
// limit a non-streaming route may have (scripts/vercel-build/function-plan.ts otherMaxDuration),
// above the upstream's 30 s first-byte timeout.
import { embeddingsRoutes as routes } from '@/lib/handlers/routes';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const maxDuration = 60;

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routes;
