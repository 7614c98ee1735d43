import { z } from 'zod';
import type { CallExchange } from '@/simulator/call-exchange';
import { defaultSessionSettings, type SessionSettings } from '@/simulator/session-book';
import type { SimulatorContext } from '@/simulator/simulator-context';
import { upstreamMessages } from '@/simulator/upstream-messages';

/** The saveSession body — docs/xipu-protocol "Endpoints". Unknown fields are ignored. */
const saveSessionBodySchema = z.object({
  id: z.number().int().nullish(),
  name: z.string().optional(),
  model: z.string().optional(),
  temperature: z.number().optional(),
  maxToken: z.number().optional(),
  presencePenalty: z.number().optional(),
  frequencyPenalty: z.number().optional(),
});
type SaveSessionBody = z.infer<typeof saveSessionBodySchema>;

/**
 * `saveSession`: without `id` creates a session (model checked, cap enforced); with an
 * integer `id` updates that session of the account. A stale id answers `Session not found`,
 * or with `staleSessionUpdate: 'new-id'` silently creates a new session. Failures are HTTP
 * 200 with `code: 1` — docs/xipu-protocol "Endpoints".
 */
export function handleSaveSession(context: SimulatorContext, exchange: CallExchange, account: string, body: unknown): void {
  const parsed = saveSessionBodySchema.safeParse(body);
  if (!parsed.success) {
    exchange.sendJson(200, { code: 1, msg: upstreamMessages.invalidBody });
    return;
  }
  const request = parsed.data;
  if (request.model !== undefined && !context.settings.models.includes(request.model)) {
    exchange.sendJson(200, { code: 1, msg: upstreamMessages.modelUnavailable(request.model) });
    return;
  }

  if (request.id !== undefined && request.id !== null) {
    const session = context.sessions.find(account, request.id);
    if (session !== undefined) {
      Object.assign(session, changedSettings(request));
      exchange.sendJson(200, { code: 0, msg: upstreamMessages.success, data: { id: session.id } });
      return;
    }
    if (context.settings.staleSessionUpdate === 'error') {
      exchange.sendJson(200, { code: 1, msg: upstreamMessages.sessionNotFound });
      return;
    }
  } else if (request.model === undefined) {
    exchange.sendJson(200, { code: 1, msg: upstreamMessages.invalidBody });
    return;
  }

  if (context.sessions.countFor(account) >= context.settings.sessionCap) {
    exchange.sendJson(200, { code: 1, msg: upstreamMessages.sessionCap(context.settings.sessionCap) });
    return;
  }
  const settings: SessionSettings = {
    ...defaultSessionSettings,
    // A stale-id update without a model: the service's default model (the first listed).
    model: context.settings.models[0] ?? '',
    ...changedSettings(request),
  };
  const session = context.sessions.create(account, settings, 'api');
  context.counters.sessionsCreated += 1;
  const slow = context.faults.take('saveSession', ['slow-answer']);
  const answer = () => exchange.sendJson(200, { code: 0, msg: upstreamMessages.success, data: { id: session.id } });
  if (slow) setTimeout(answer, slow.ms);
  else answer();
}

/** The settings the body gives, without the ones it leaves out. */
function changedSettings(request: SaveSessionBody): Partial<SessionSettings> {
  const changes: Partial<SessionSettings> = {};
  if (request.name !== undefined) changes.name = request.name;
  if (request.model !== undefined) changes.model = request.model;
  if (request.temperature !== undefined) changes.temperature = request.temperature;
  if (request.maxToken !== undefined) changes.maxToken = request.maxToken;
  if (request.presencePenalty !== undefined) changes.presencePenalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) changes.frequencyPenalty = request.frequencyPenalty;
  return changes;
}
