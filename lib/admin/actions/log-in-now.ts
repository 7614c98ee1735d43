import { startLogin, type CreateLogin } from '@/lib/xipu/credentials/start-login';
import { logEvent } from '@/lib/log/log-event';
import { createLoginProgressRecorder } from '@/lib/xipu/credentials/login-progress';
import { describeError, type AdminAction } from './admin-action';


/**
 * "Log in now": takes the account's login lock ignoring the back-off (the admin asked for
 * it), answers at once, and runs the browser login after the response (`after()`), its steps
 * written to the store as they happen for the page to show. The outcome is recorded like
 * any login's (credentials, or the failed step, its screenshot and the next back-off).
 */
export function createLogInNow(createLogin: CreateLogin): AdminAction {
  return async ({ config, dependencies, account }) => {
    if (!account.settings.login.enabled) {
      return { outcome: 'failed', anchor: 'login', message: 'Automatic login is off: set XJTLU_USERNAME and XJTLU_PASSWORD and redeploy.' };
    }
    const start = await startLogin({ account, now: dependencies.now, ignoreBackoff: true });
    if (start.status === 'in-progress') {
      return { outcome: 'info', anchor: 'login', message: 'A login is already running (started elsewhere); its result appears here when it ends.' };
    }
    if (start.status !== 'started') {
      // ignoreBackoff: true never answers backed-off; kept exhaustive for the type.
      return { outcome: 'failed', anchor: 'login', message: 'The login is backed off.' };
    }
    const progress = createLoginProgressRecorder(account, dependencies.now);
    // The progress list is for the page only: failing to write it must not strand the lock.
    await progress.start().catch((error: unknown) => logEvent('warn', 'login_progress_not_recorded', { error: describeError(error) }));
    const performLogin = createLogin(account.settings, (event) => progress.onStep(event));
    dependencies.defer(async () => {
      try {
        await progress.finish(await start.run(performLogin));
      } catch (error) {
        logEvent('error', 'admin_login_failed', { error: describeError(error) });
        await progress.finish({ status: 'failure', message: describeError(error) });
      }
    });
    return { outcome: 'info', anchor: 'login', message: 'Login started: its steps appear below as they run.' };
  };
}
