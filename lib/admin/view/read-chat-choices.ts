import type { GatewayContext } from '@/lib/gateway/build-gateway-context';
import { listManagedKeys } from '@/lib/keys/list-managed-keys';
import { logEvent } from '@/lib/log/log-event';

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
 * The panel's choices: every model of the deployment (the list GET /v1/models gives) and every
 * client key by name — managed keys (revoked and expired ones too, marked: choosing one shows
 * the error its requests get), then API_KEYS' entries. One store command for the managed keys
 * besides what the model list reads. Never throws: a failed read leaves its list empty and says so.
 */
export async function readChatChoices(context: Pick<GatewayContext, 'providers' | 'store' | 'config'>, now: number): Promise<AdminChatChoices> {
  const problems: string[] = [];
  const [models, managed] = await Promise.all([
    context.providers.listModels().then(
      (cards) => [...new Set(cards.map((card) => card.id))],
      (error: unknown) => failed('the model list', error),
    ),
    listManagedKeys(context.store).then(
      (records) =>
        records.map((record): AdminChatKeyChoice => {
          const state = record.revokedAt !== undefined ? 'revoked' : record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now ? 'expired' : undefined;
          return { value: record.id, name: record.name, source: 'store', ...(state ? { state } : {}) };
        }),
      (error: unknown) => failed('the managed keys', error),
    ),
  ]);
  const environment = context.config.clientKeys.map((clientKey): AdminChatKeyChoice => ({ value: clientKey.name, name: clientKey.name, source: 'environment' }));
  return { models, keys: [...managed, ...environment], problems };

  function failed(what: string, error: unknown): never[] {
    problems.push(`Could not read ${what}.`);
    logEvent('warn', 'admin_chat_choices_failed', { what, error: error instanceof Error ? error.message : String(error) });
    return [];
  }
}
