import type { GatewayConfig } from '@/lib/config/env';
import type { GatewayContext } from '@/lib/gateway/build-gateway-context';
import type { XipuAccount } from '@/lib/xipu/create-xipu-account';
import type { AdminDependencies } from '../context/admin-dependencies';

/** What every admin action gets, once the request has passed the auth and cross-site checks. */
export interface AdminActionInput {
  form: URLSearchParams;
  config: GatewayConfig;
  context: GatewayContext;
  /** The XIPU account the action is for: the page's `?account=<id>`, else the first configured. */
  account: XipuAccount;
  dependencies: AdminDependencies;
}

/** What it did, shown on the page after the redirect; `anchor` is the panel to scroll to. */
export interface AdminActionOutcome {
  outcome: 'ok' | 'failed' | 'info';
  message: string;
  anchor: string;
  /**
   * A secret to show this once (a new client key): the POST is then answered by a page that
   * shows it, instead of the redirect, so it travels in no URL, cookie or signed result and is
   * neither logged nor stored (lib/admin/routes/admin-responses.ts `oneTimeSecretPage`).
   */
  reveal?: { label: string; secret: string };
}

export type AdminAction = (input: AdminActionInput) => Promise<AdminActionOutcome>;

/** An error's message, for the page (upstream and store errors carry no secrets). */
export function describeError(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 500);
}
