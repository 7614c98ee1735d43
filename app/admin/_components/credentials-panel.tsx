import { accountQuery } from './action-button';
import type { CredentialsPanel as CredentialsPanelData } from '@/lib/admin/view/panels/describe-credentials-panel';
import { formatUtc } from '@/lib/admin/view/format-time';
import { PanelFrame } from './panel-frame';
import { TimeText } from './time-text';

export function CredentialsPanel({ panel, now, title, account }: { panel: CredentialsPanelData; now: number; title: string; account?: string }) {
  return (
    <PanelFrame id="credentials" title={title} panel={panel}>
      {panel.present ? (
        <dl className="facts">
          <dt>Source</dt>
          <dd>{panel.sourceLabel}</dd>
          <dt>jm-token</dt>
          <dd className="mono">{panel.maskedToken}</dd>
          <dt>sdp-app-session</dt>
          <dd className="mono">{panel.maskedSession}</dd>
          <dt>Expires</dt>
          <dd>{panel.expiresAt ? <><TimeText at={panel.expiresAt} now={now} /> ({formatUtc(panel.expiresAt)})</> : 'unknown (not a JWT)'}</dd>
          {panel.issuedAt ? (
            <>
              <dt>Issued</dt>
              <dd><TimeText at={panel.issuedAt} now={now} /></dd>
            </>
          ) : null}
          {panel.obtainedAt ? (
            <>
              <dt>Obtained</dt>
              <dd><TimeText at={panel.obtainedAt} now={now} /></dd>
            </>
          ) : null}
          <dt>Last validated</dt>
          <dd>
            {panel.lastHeartbeatAt === undefined ? (
              'no heartbeat yet'
            ) : panel.heartbeatUsedThisPair ? (
              <>by the heartbeat <TimeText at={panel.lastHeartbeatAt} now={now} /></>
            ) : (
              <>not yet with this pair (the last heartbeat, <TimeText at={panel.lastHeartbeatAt} now={now} />, used an earlier one)</>
            )}
          </dd>
        </dl>
      ) : null}
      <details>
        <summary>Paste credentials by hand</summary>
        <form method="post" action={`/admin/actions/save-credentials${accountQuery(account)}`}>
          <p className="hint">
            In the browser, open XIPU with the developer tools&apos; Network panel, pick any request to <code>jmapi.xjtlu.edu.cn</code> and copy
            its request headers <code>jm-token</code> and <code>sdp-app-session</code>.
          </p>
          <label htmlFor="jm-token">jm-token</label>
          <input id="jm-token" name="jm-token" type="password" autoComplete="off" spellCheck={false} required />
          <label htmlFor="sdp-app-session">sdp-app-session</label>
          <input id="sdp-app-session" name="sdp-app-session" type="password" autoComplete="off" spellCheck={false} required />
          <div className="actions">
            <button type="submit">Save credentials</button>
          </div>
        </form>
      </details>
    </PanelFrame>
  );
}
