import { adminRoutes } from '@/lib/admin/routes/route-table';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';
// A heartbeat or a sweep waits for its turn in the account's schedule (≤ PACER_MAX_WAIT_MS).
export const maxDuration = 60;

/** POST /admin/actions/<heartbeat|sweep|save-credentials|clear-backoff|check-reachability|create-key|update-key|revoke-key|sign-out> (lib/admin/routes/route-table.ts). */
export const POST = adminRoutes.action;
