import { anthropicErrorResponse } from '@/lib/api/anthropic-messages/anthropic-error';
import { adminChat } from './admin-chat';
import { createKeyHandler, listKeysHandler, revokeKeyHandler, updateKeyHandler } from './admin-keys';
import { anthropicCountTokens } from './anthropic-count-tokens';
import { anthropicMessages } from './anthropic-messages';
import { chatCompletions } from './chat-completions';
import { completions } from './completions';
import { embeddings } from './embeddings';
import { listModels, retrieveModel } from './models';
import { routeSet } from './route-set';
import { createResponse, retrieveResponse } from './responses';
import { unknownPath } from './unsupported-paths';
import { deregisterWorkerHandler, listWorkersHandler, registerWorkerHandler } from './workers';

/** The route handlers of each public path; app/ files (and their aliases without /v1) export them. */
export const chatCompletionsRoutes = routeSet({ POST: chatCompletions });
export const modelListRoutes = routeSet({ GET: listModels });
export const modelRoutes = routeSet({ GET: retrieveModel });
export const responsesRoutes = routeSet({ POST: createResponse });
export const responseRoutes = routeSet({ GET: retrieveResponse });
export const unknownPathRoutes = routeSet(
  { GET: unknownPath, POST: unknownPath, PUT: unknownPath, PATCH: unknownPath, DELETE: unknownPath },
  { authenticate: false },
);
export const completionsRoutes = routeSet({ POST: completions });
export const embeddingsRoutes = routeSet({ POST: embeddings });
export const anthropicMessagesRoutes = routeSet({ POST: anthropicMessages }, { renderError: anthropicErrorResponse });
export const anthropicCountTokensRoutes = routeSet({ POST: anthropicCountTokens }, { renderError: anthropicErrorResponse });
/** The worker registry: its own bearer (WORKER_SECRET), not a client key (lib/handlers/authorize-worker-request.ts). */
export const workersRoutes = routeSet({ GET: listWorkersHandler, POST: registerWorkerHandler }, { authenticate: false });
export const workerRoutes = routeSet({ DELETE: deregisterWorkerHandler }, { authenticate: false });
/** The managed client keys: the admin's bearer or session, not a client key (lib/handlers/authorize-admin-request.ts). */
export const adminKeysRoutes = routeSet({ GET: listKeysHandler, POST: createKeyHandler }, { authenticate: false });
export const adminKeyRoutes = routeSet({ PATCH: updateKeyHandler, DELETE: revokeKeyHandler }, { authenticate: false });
/** The /admin chat: the admin's bearer or session; the chat runs as the key the body names (lib/handlers/admin-chat.ts). */
export const adminChatRoutes = routeSet({ POST: adminChat }, { authenticate: false });
