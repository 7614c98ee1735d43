// A chat, streamed: CHAT_ROUTE_MAX_DURATION_SECONDS in lib/chat/run-chat.ts must match maxDuration.
import { adminChatRoutes as routes } from '@/lib/handlers/routes';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
export const maxDuration = 300;

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = routes;
