import { findXipuAccount } from '@/lib/gateway/build-gateway-context';
import { logEvent } from '@/lib/log/log-event';
import type { AdminAction } from '../actions/admin-action';
import { describeError } from '../actions/admin-action';
import type { AdminHandler } from './admin-route';
import { adminMessagePage, oneTimeSecretPage, redirectToAdmin } from './admin-responses';
import { signOutResponse } from './handle-sign-in';
import { MAX_ADMIN_FORM_BYTES, readAdminForm } from './read-admin-form';
import { verifyAdminAction } from './verify-admin-action';

/**
 * POST /admin/actions/<name>: the auth and cross-site checks (verifyAdminAction), then the
 * action, then a 303 back to the page carrying what it did (Post/Redirect/Get) — or, for an
 * action that reveals a secret (a new client key), a page showing it in this answer. `sign-out`
 * is built in. An unknown name is a 404; an action that throws becomes a failed result.
 * `options.name` fixes the action for a route of its own (log-in, the only one that loads
 * the browser).
 */
export function handleAdminAction(actions: Record<string, AdminAction>, options: { name?: string } = {}): AdminHandler {
  return async (request, { config, context, dependencies, params }) => {
    const name = options.name ?? (typeof params.action === 'string' ? params.action : undefined);
    const action = name ? actions[name] : undefined;
    if (!name || (!action && name !== 'sign-out')) return adminMessagePage(404, 'No such action', 'The admin page has no such action.');
    const refusal = await verifyAdminAction(request, config, dependencies.now());
    if (refusal) return refusal;
    if (name === 'sign-out') return signOutResponse(request);

    // The account the page was showing (`?account=<id>` on the form's action), else the first.
    const accountId = new URL(request.url).searchParams.get('account');
    const account = findXipuAccount(context, accountId);
    const form = await readAdminForm(request);
    if (!form) return adminMessagePage(413, 'Too large', `The form is larger than ${MAX_ADMIN_FORM_BYTES} bytes.`);
    let result;
    try {
      result = await action!({ form, config, context, account, dependencies });
    } catch (error) {
      result = { outcome: 'failed' as const, anchor: 'top', message: `${name} failed: ${describeError(error)}` };
    }
    logEvent(result.outcome === 'failed' ? 'warn' : 'info', 'admin_action', { action: name, account: account.settings.id, outcome: result.outcome });
    if (result.reveal) return oneTimeSecretPage({ title: result.message, ...result.reveal, anchor: result.anchor });
    return redirectToAdmin({
      result: { action: name, outcome: result.outcome, message: result.message, at: dependencies.now() },
      password: config.adminPassword,
      anchor: result.anchor,
      query: accountId ? { account: account.settings.id } : undefined,
    });
  };
}
