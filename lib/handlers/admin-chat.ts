import { z } from 'zod';
import { chatCompletionResponse } from '@/lib/api/chat-completions/chat-completion-response';
import { parseChatRequest } from '@/lib/api/chat-completions/parse-chat-request';
import { sseDataEvent } from '@/lib/api/openai/sse-data-event';
import { identifyChosenClient } from '@/lib/auth/identify-chosen-client';
import { invalidRequest } from '@/lib/errors/gateway-error';
import type { RouteHandler } from '@/lib/http/gateway-route';
import type { ChatRequest } from '@/lib/providers/chat-provider';
import { authorizeAdminRequest } from './authorize-admin-request';
import { chatRoute, type ChatRouteShape } from './chat-route';

/** What the /admin chat's last SSE event (`event: timings`) carries. */
export interface AdminChatTimings {
  /** Time spent waiting for turns in the account's call schedule before the answer started. */
  queueWaitMs: number;
  /** Turns taken (0: the endpoint has no schedule, e.g. an UPSTREAMS server or the mock). */
  turns: number;
  /** From the request's arrival to the upstream's first byte (its answer's headers). */
  upstreamFirstByteMs: number;
}

/** The one field the admin chat adds to a Chat Completions body. */
const keyChoiceSchema = z.looseObject({ keyId: z.string().trim().min(1).max(200).nullish() });

interface AdminChatRequest {
  chat: ChatRequest;
  keyId?: string;
}

/**
 * POST /api/admin/chat: the "Try a chat" panel of /admin. Admin auth as /api/admin/keys (the
 * bearer, or the session cookie with the same-origin check), then a Chat Completions body plus
 * `keyId` — a managed key's id or an API_KEYS entry's name, never a key's text — run through
 * the same steps as /v1/chat/completions (chatRoute) as that key (identifyChosenClient): its
 * allow-list, limits, quota, metrics record and usage. Always streamed, in the Chat
 * Completions chunks, then one `event: timings` (AdminChatTimings) after `[DONE]`.
 */
export const adminChat: RouteHandler = async (request, scope) => {
  const { config, store, now } = scope.context;
  await authorizeAdminRequest(request, config, now());
  const startedAt = now();
  const timings: AdminChatTimings = { queueWaitMs: 0, turns: 0, upstreamFirstByteMs: 0 };
  const shape: ChatRouteShape<AdminChatRequest> = {
    parse: parseAdminChatRequest,
    chatOf: (parsed) => parsed.chat,
    clientOf: (parsed) => identifyChosenClient(parsed.keyId, config, store, now()),
    onTurn: (turn) => {
      timings.queueWaitMs += turn.waitedMs;
      timings.turns += 1;
    },
    respond: async (run, parsed, options) => {
      timings.upstreamFirstByteMs = Math.max(0, now() - startedAt);
      return chatCompletionResponse(run, parsed.chat, {
        systemFingerprint: options.systemFingerprint,
        lastEvent: () => `event: timings\n${sseDataEvent(timings)}`,
      });
    },
  };
  return chatRoute(shape)(request, scope);
};

/**
 * A Chat Completions body (parseChatRequest: 400 naming the field) with an optional `keyId`,
 * always streamed with usage.
 */
function parseAdminChatRequest(body: unknown): AdminChatRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { chat: parseChatRequest(body) };
  const choice = keyChoiceSchema.safeParse(body);
  if (!choice.success) throw invalidRequest("Invalid 'keyId': a managed key's id (key_…) or an API_KEYS entry's name, or null for none.", 'keyId', 'invalid_type');
  const { keyId, ...chat } = choice.data;
  return {
    chat: parseChatRequest({ ...chat, stream: true, stream_options: { include_usage: true } }),
    ...(keyId == null ? {} : { keyId }),
  };
}
