import type { GatewayConfig } from '@/lib/config/env';
import type { LoginState } from '@/lib/xipu/credentials/credential-records';
import { formatDuration, formatRelative } from '../format-time';
import type { LoginProgress } from '@/lib/xipu/credentials/login-progress';
import type { PanelState } from '../status-level';

export interface LoginPanel extends PanelState {
  enabled: boolean;
  state?: LoginState;
  /** The steps of a login started from this page (kept 10 minutes). */
  progress?: LoginProgress;
  /** A JPEG of the page where the last login failed is stored (GET /admin/login-screenshot). */
  screenshotAvailable: boolean;
  /** No automatic login before this time (epoch ms), when in the future. */
  backoffUntil?: number;
}

/** The last login (automatic or from this page), its failure and back-off, and a running one. */
export function describeLoginPanel(input: {
  config: GatewayConfig;
  state?: LoginState;
  progress?: LoginProgress;
  screenshotAvailable: boolean;
  credentialsUsable: boolean;
  now: number;
}): LoginPanel {
  const { config, state, progress, now } = input;
  const backoffUntil = state?.nextAttemptAt !== undefined && state.nextAttemptAt > now ? state.nextAttemptAt : undefined;
  const base = { enabled: config.login.enabled, state, progress, screenshotAvailable: input.screenshotAvailable, backoffUntil };
  if (progress?.status === 'running') {
    const current = progress.steps.at(-1);
    return { ...base, level: 'amber', reason: `A login is running${current ? ` (step ${current.step}: ${current.status})` : ''}.` };
  }
  if (!config.login.enabled) {
    if (config.demoMode) return { ...base, level: 'green', reason: 'Not needed in demo mode.' };
    return { ...base, level: 'amber', reason: 'Automatic login is off (XJTLU_USERNAME/XJTLU_PASSWORD not set): fresh credentials must be pasted by hand.' };
  }
  if (!state) {
    return input.credentialsUsable
      ? { ...base, level: 'green', reason: 'No login has run yet; none was needed.' }
      : { ...base, level: 'amber', reason: 'No login has run yet.' };
  }
  const when = formatRelative(state.attemptedAt, now);
  if (state.outcome === 'success') {
    return { ...base, level: 'green', reason: `Succeeded ${when} in ${formatDuration(state.durationMs)}.` };
  }
  const step = state.failedStep ? ` at step ${state.failedStep}` : '';
  // The browser login's message repeats the step ("Browser login failed at step 'x': …").
  const why = (state.message ?? 'no message').replace(/^Browser login failed at step '[^']*': /, '');
  const retry = backoffUntil ? ` Backed off: next automatic attempt ${formatRelative(backoffUntil, now)}.` : ' The next automatic attempt may run now.';
  return { ...base, level: 'red', reason: `Failed${step} ${when} (${state.consecutiveFailures} in a row): ${why.replace(/\.$/, '')}.${retry}` };
}
