import type { GatewayContext } from '@/lib/gateway/build-gateway-context';
import { logEvent } from '@/lib/log/log-event';
import type { KeysPanel } from './panels/describe-keys-panel';

/** What the "Try a chat" panel offers: the models /v1/models lists, and the keys by name (never their text). */
export interface AdminChatChoices {
  models: string[];
  keys: AdminChatKeyChoice[];
  /** Reads that failed, in a few words (the panel still works with what it has). */
  problems: string[];
}

export interface AdminChatKeyChoice {
  /** What POST /api/admin/chat takes as `keyId`: a managed key's id, an API_KEYS entry's name. */
  value: string;
  name: string;
  source: 'store' | 'environment';
  /** Why a chat with it would be refused (`revoked`, `expired`), shown beside its name. */
  state?: 'revoked' | 'expired';
}

/**
 * The deployment's models (the list GET /v1/models gives) for the panel. Never throws: a
 * failed read leaves the list empty and says so in `problems`.
 */
export async function readChatModels(context: Pick<GatewayContext, 'providers'>): Promise<Pick<AdminChatChoices, 'models' | 'problems'>> {
  try {
    return { models: [...new Set((await context.providers.listModels()).map((card) => card.id))], problems: [] };
  } catch (error) {
    logEvent('warn', 'admin_chat_choices_failed', { what: 'the model list', error: error instanceof Error ? error.message : String(error) });
    return { models: [], problems: ['Could not read the model list.'] };
  }
}

/**
 * The panel's choices: the models, and every client key by name — managed keys (revoked and
 * expired ones too, marked: choosing one shows the error its requests get), then API_KEYS'
 * entries — from the keys panel the page has read already (no second read of the records).
 */
export function chatChoicesOf(models: Pick<AdminChatChoices, 'models' | 'problems'>, keys: KeysPanel): AdminChatChoices {
  const managed = keys.managed.map((key): AdminChatKeyChoice => ({ value: key.id, name: key.name, source: 'store', ...(key.state === 'active' ? {} : { state: key.state }) }));
  const environment = keys.environment.map((name): AdminChatKeyChoice => ({ value: name, name, source: 'environment' }));
  return {
    models: models.models,
    keys: [...managed, ...environment],
    problems: keys.available ? models.problems : [...models.problems, 'Could not read the managed keys.'],
  };
}
