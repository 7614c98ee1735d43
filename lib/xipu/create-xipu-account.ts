import { createPacer, type Pacer } from '@/lib/pacing/pacer';
import type { ChatProvider } from '@/lib/providers/chat-provider';
import type { Store } from '@/lib/store/store';
import { accountStore, type AccountStore } from './account/account-store';
import type { XipuAccountSettings } from './account/account-settings';
import type { CredentialSource } from './api/credential-source';
import type { XipuApiOptions, XipuCredentials } from './api/xipu-api';
import { createCredentialManager, type LoginTrigger } from './credentials/credential-manager';
import { createHttpLoginTrigger } from './credentials/trigger-login-over-http';
import { createXipuProvider } from './provider/xipu-provider';
import { readAccountReadiness } from './read-account-readiness';
import { createSessionRegistry, type SessionRegistry } from './sessions/session-registry';
import { createSessionUpkeep, type SessionUpkeep } from './sessions/session-upkeep';

/**
 * One XIPU account as a value: its records (keys under its id), its own call schedule, its
 * credentials with their login lock and back-off, its session registry and its provider.
 * Everything per account hangs off this, so several accounts are a list of them.
 */
export interface XipuAccount extends AccountStore {
  settings: XipuAccountSettings;
  /** Where its API is (the settings' base, or the simulator's in demo mode). */
  apiBase: string;
  /** The account's shared call schedule: every call to XIPU with its credentials takes a turn. */
  pacer: Pacer;
  credentials: CredentialSource;
  sessions: SessionRegistry;
  /** Its warm session pool and delete queue (SESSION_POOL_SIZE, SESSION_DELETE_BATCH). */
  upkeep: SessionUpkeep;
  provider: ChatProvider;
  /** Options for a XIPU call outside a chat (heartbeat, sweep) with these credentials. */
  api(credentials: XipuCredentials): XipuApiOptions;
}

export interface XipuAccountDependencies {
  store: Store;
  /** Overrides the API base (demo mode points it at the in-process simulator). */
  apiBase?: string;
  /** Overrides the credential manager (demo mode, tests). */
  credentials?: CredentialSource;
  /** How a login is asked for; default: this deployment's login route over HTTP. */
  loginTrigger?: LoginTrigger;
  /** The login route's bearer secret and Vercel's protection bypass, for the default trigger. */
  loginRoute?: { secret?: string; bypassSecret?: string };
  fetch?: typeof fetch;
  now?: () => number;
}

/** Wires one account from its settings. Pure wiring: no I/O until a call is made. */
export function createXipuAccount(settings: XipuAccountSettings, dependencies: XipuAccountDependencies): XipuAccount {
  const now = dependencies.now ?? Date.now;
  const records = accountStore(dependencies.store, settings.id);
  const apiBase = dependencies.apiBase ?? settings.upstream.apiBase;
  const pacer = createPacer({
    store: dependencies.store,
    key: records.keys.pacerSchedule,
    gapMs: settings.pacer.gapMs,
    allowanceMs: settings.pacer.allowanceMs,
    maxWaitMs: settings.pacer.maxWaitMs,
    serializeStreams: settings.pacer.serializeStreams,
    now,
  });
  const credentials =
    dependencies.credentials ??
    createCredentialManager({
      account: records,
      fromEnvironment: settings.upstream.manualCredentials,
      now,
      login: settings.login.enabled
        ? {
            trigger:
              dependencies.loginTrigger ??
              createHttpLoginTrigger({ secret: dependencies.loginRoute?.secret, bypassSecret: dependencies.loginRoute?.bypassSecret, accountId: settings.id }),
            refreshMarginMs: settings.login.refreshMarginMs,
            waitMs: settings.login.waitMs,
          }
        : undefined,
    });
  const sessions = createSessionRegistry(records, now, settings.sessionLeaseMs);
  const upkeep = createSessionUpkeep({
    account: records,
    registry: sessions,
    pacer,
    policy: settings.sessionPool,
    spacingMs: settings.pacer.gapMs + settings.pacer.allowanceMs,
    now,
  });
  const chatProvider = createXipuProvider({
    apiBase,
    portalUrl: settings.upstream.portalUrl,
    models: settings.upstream.models,
    ownedBy: settings.ownedBy,
    credentials,
    account: records,
    pacer,
    firstByteTimeoutMs: settings.upstream.firstByteTimeoutMs,
    idleTimeoutMs: settings.upstream.idleTimeoutMs,
    thinkTags: settings.upstream.thinkTags,
    serializeStreams: settings.pacer.serializeStreams,
    sessionLeaseMs: settings.sessionLeaseMs,
    upkeep,
    fetch: dependencies.fetch,
    now,
  });
  // Routing between accounts asks each how soon it could start (lib/providers/provider-registry.ts).
  const provider: ChatProvider = { ...chatProvider, readiness: () => readAccountReadiness(records, settings, pacer, now) };
  return {
    ...records,
    settings,
    apiBase,
    pacer,
    credentials,
    sessions,
    upkeep,
    provider,
    api: (usable) => ({
      apiBase,
      portalUrl: settings.upstream.portalUrl,
      credentials: usable,
      firstByteTimeoutMs: settings.upstream.firstByteTimeoutMs,
      idleTimeoutMs: settings.upstream.idleTimeoutMs,
      fetch: dependencies.fetch,
    }),
  };
}
