import type { GatewayConfig } from '@/lib/config/env';
import { decodeActionResult, type ActionResult } from './action-result';
import { resolveAdminContext, type AdminDependencies } from '../context/admin-dependencies';
import { readAdminStatus, type AdminStatus, type AdminStatusSources } from './read-admin-status';
import { needsSecureCookie, type RequestOrigin } from '../access/read-request-origin';
import { readAdminAccess } from '../access/read-admin-access';
import { chatChoicesOf, readChatModels, type AdminChatChoices } from './read-chat-choices';

/** What the page renders: exactly one of these, and nothing beyond it. */
export type AdminView =
  /** A bad variable (the API answers the same 503, so this tells nobody anything new). */
  | { kind: 'misconfigured'; message: string }
  /** Hosted without ADMIN_PASSWORD: how to set it, nothing else. */
  | { kind: 'not-configured' }
  | { kind: 'sign-in'; notice?: 'failed' | 'signed-out'; cookieWillNotStick: boolean }
  /** Signed in (or open), but the gateway cannot run (hosted without Upstash). */
  | { kind: 'unavailable'; message: string; open: boolean }
  | { kind: 'status'; open: boolean; status: AdminStatus; result?: ActionResult; config: AdminViewConfig; chat: AdminChatChoices };

/** The few configuration facts the markup needs (never a secret). */
export interface AdminViewConfig {
  /** This deployment's origin as the browser reached it: the client setups' URL. */
  origin: string;
  demoMode: boolean;
  hosted: boolean;
  loginEnabled: boolean;
}

/**
 * Decides what /admin shows for this request: without a valid session only the sign-in
 * form (or how to turn the page on), with one every panel. The access check runs before
 * anything is read, so nothing leaks to a visitor who is not signed in.
 */
export async function loadAdminView(input: {
  cookieHeader: string | null;
  origin: RequestOrigin;
  searchParams: Record<string, string | string[] | undefined>;
  dependencies: Pick<AdminDependencies, 'loadConfig' | 'getContext' | 'now'>;
  sources?: AdminStatusSources;
}): Promise<AdminView> {
  const loaded = input.dependencies.loadConfig();
  if (!loaded.ok) return { kind: 'misconfigured', message: loaded.problem.message };
  const now = input.dependencies.now();
  const access = await readAdminAccess(loaded.config, input.cookieHeader, now);
  if (access === 'not-configured') return { kind: 'not-configured' };
  if (access === 'signed-out') {
    const signin = single(input.searchParams.signin);
    return {
      kind: 'sign-in',
      notice: signin === 'failed' || signin === 'signed-out' ? signin : undefined,
      // A Secure cookie is not kept over plain http (allowed on localhost only).
      cookieWillNotStick: !input.origin.https && needsSecureCookie(input.origin),
    };
  }
  const open = access === 'open';
  const resolved = await resolveAdminContext(input.dependencies);
  if (resolved.kind === 'misconfigured') return { kind: 'misconfigured', message: resolved.message };
  if (resolved.kind === 'unavailable') return { kind: 'unavailable', message: resolved.message, open };
  const [status, models] = await Promise.all([
    readAdminStatus({ config: resolved.config, context: resolved.context, now, accountId: single(input.searchParams.account), sources: input.sources }),
    readChatModels(resolved.context),
  ]);
  // The chat's key picker comes from the keys panel's read: the records are read once per page.
  const chat = chatChoicesOf(models, status.panels.keys);
  return {
    kind: 'status',
    open,
    status,
    result: await decodeActionResult(single(input.searchParams.result), resolved.config.adminPassword, now),
    config: viewConfig(resolved.config, input.origin.origin),
    chat,
  };
}

function viewConfig(config: GatewayConfig, origin: string): AdminViewConfig {
  return { origin, demoMode: config.demoMode, hosted: config.hosted, loginEnabled: config.login.enabled };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
