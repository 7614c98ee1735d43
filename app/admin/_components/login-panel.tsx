import { describeLoginSteps } from '@/lib/xipu/credentials/login-progress';
import type { LoginPanel as LoginPanelData } from '@/lib/admin/view/panels/describe-login-panel';
import { formatDuration, formatUtc } from '@/lib/admin/view/format-time';
import { LOGIN_STEPS } from '@/lib/xipu/browser-login/browser-login-error';
import { accountQuery, ActionButton } from './action-button';
import { LOGIN_PROGRESS_SCRIPT } from './login-progress-script';
import { PanelFrame } from './panel-frame';
import { TimeText } from './time-text';

export function LoginPanel({ panel, now, title, account }: { panel: LoginPanelData; now: number; title: string; account?: string }) {
  const { state, progress } = panel;
  const running = progress?.status === 'running';
  const rows = describeLoginSteps(LOGIN_STEPS, progress);
  return (
    <PanelFrame id="login" title={title} panel={panel}>
      {state && running ? <h3>The last finished login</h3> : null}
      {state ? (
        <dl className="facts">
          <dt>When</dt>
          <dd><TimeText at={state.attemptedAt} now={now} /> ({formatUtc(state.attemptedAt)})</dd>
          <dt>Took</dt>
          <dd>{formatDuration(state.durationMs)}</dd>
          <dt>Outcome</dt>
          <dd>{state.outcome === 'success' ? 'success' : `failed${state.failedStep ? ` at step ${state.failedStep}` : ''}`}</dd>
          {state.outcome === 'failure' ? (
            <>
              <dt>Why</dt>
              <dd>{state.message ?? 'no message'}</dd>
              <dt>Failures in a row</dt>
              <dd>{state.consecutiveFailures}</dd>
            </>
          ) : null}
          <dt>Back-off</dt>
          <dd>{panel.backoffUntil ? <>no automatic login until <TimeText at={panel.backoffUntil} now={now} /> ({formatUtc(panel.backoffUntil)})</> : 'none'}</dd>
        </dl>
      ) : null}
      {panel.screenshotAvailable && state ? (
        <details open>
          <summary>Screenshot of the page where it failed</summary>
          <img
            className="screenshot"
            src={`/admin/login-screenshot?at=${state.attemptedAt}${accountQuery(account, '&')}`}
            alt={`The browser page when the login failed${state.failedStep ? ` at step ${state.failedStep}` : ''}`}
            loading="lazy"
          />
        </details>
      ) : null}
      {progress ? (
        <>
          <h3>{running ? 'Login in progress' : `Login started here ${progress.finishedAt ? 'and finished' : ''}`.trim()}</h3>
          <ol className="steps" id="login-steps" aria-live="polite">
            {rows.map((row) => (
              <li key={row.step} data-step={row.step} data-state={row.state}>
                <span className="mono">{row.step}</span>
                <span className="step-state">{row.label}</span>
              </li>
            ))}
          </ol>
          <p className="note" id="login-progress-status" role="status">
            {running ? (
              <>Updating every second. <a href="/admin#login">Refresh</a></>
            ) : progress.status === 'success' ? (
              'This login succeeded.'
            ) : progress.status === 'abandoned' ? (
              'This login stopped reporting (its instance ended): it did not finish.'
            ) : (
              `This login failed: ${progress.message ?? 'no message'}`
            )}
          </p>
          {running ? <script dangerouslySetInnerHTML={{ __html: LOGIN_PROGRESS_SCRIPT }} /> : null}
        </>
      ) : null}
      <div className="actions">
        {panel.enabled ? <ActionButton account={account} action="log-in">Log in now</ActionButton> : null}
        {state?.nextAttemptAt !== undefined ? (
          <ActionButton account={account} action="clear-backoff" secondary>
            Clear the back-off
          </ActionButton>
        ) : null}
      </div>
      {panel.enabled ? <p className="note">&quot;Log in now&quot; ignores the back-off and runs a browser login through the school&apos;s SSO (about 10–30 s).</p> : null}
    </PanelFrame>
  );
}
